// The originate plugin: Originate, to a dialplan extension or to an application.
#pragma once

#include <ampd/sdk.hpp>

void load_originate_plugin(ampd::sdk::Registrar& registrar);
