// The system plugin's status commands: ExtensionState, MailboxCount, MailboxStatus and
// ParkedCallInfo, and (through load_peer_commands) PeerInfo and SIPshowpeer.
#pragma once

#include <ampd/sdk.hpp>

void load_status_commands(ampd::sdk::Registrar& registrar);
