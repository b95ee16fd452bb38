#include "db_plugin.hpp"

#include "db_handlers.hpp"

using ampd::sdk::optional;
using ampd::sdk::Privilege;
using ampd::sdk::required;

void load_db_plugin(ampd::sdk::Registrar& r) {
  r.command("DBGet", Privilege::Monitor, {required("Family"), optional("Key")}, db_plugin::db_get,
            "Retrieve a value (with Key) or every key of a family (without) from the database");
  r.command("DBShow", Privilege::Monitor, {optional("Family")}, db_plugin::db_show,
            "List the contents of the Asterisk database (or of one family)");
  r.command("DBPut", Privilege::Administrator,
            {required("Family"), required("Key"), required("Val")}, db_plugin::db_put,
            "Insert or update a key in the Asterisk database");
  r.command("DBDel", Privilege::Administrator, {required("Family"), required("Key")},
            db_plugin::db_del, "Delete a key from the Asterisk database");
  r.command("DBDeltree", Privilege::Administrator, {required("Family"), optional("Key")},
            db_plugin::db_deltree,
            "Delete a family (or a key tree within it) from the Asterisk database");
}
