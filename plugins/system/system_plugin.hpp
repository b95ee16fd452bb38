// The system plugin: ServerVersion and Command.
#pragma once

#include <ampd/sdk.hpp>

void load_system_plugin(ampd::sdk::Registrar& registrar);
