// PeerInfo and SIPshowpeer: chan_sip where Asterisk has it (up to 20), PJSIP where it is gone.
#pragma once

#include <ampd/sdk.hpp>

void load_peer_commands(ampd::sdk::Registrar& registrar);
