// The db plugin: the Asterisk database (AstDB) -- DBGet, DBPut, DBDel, DBDeltree and DBShow.
#pragma once

#include <ampd/sdk.hpp>

void load_db_plugin(ampd::sdk::Registrar& registrar);
