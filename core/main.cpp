#include <iostream>

#include "ampd_app.hpp"

POCO_SERVER_MAIN(ampd::AmpdApp)
