// The custom plugin: Custom and CustomFreeForm run any AMI action, for modules ampd does not
// know about.
#pragma once

#include <ampd/sdk.hpp>

void load_custom_plugin(ampd::sdk::Registrar& registrar);
