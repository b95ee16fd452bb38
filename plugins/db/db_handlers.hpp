// The db plugin's handlers.
#pragma once

#include <ampd/sdk.hpp>

namespace db_plugin {

// db_write.cpp
void db_put(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void db_del(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void db_deltree(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);

// db_read.cpp
void db_get(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);
void db_show(const ampd::sdk::Request& request, ampd::sdk::Reply& reply);

}  // namespace db_plugin
