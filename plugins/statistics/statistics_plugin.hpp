// The statistics plugin: StatisticInfo and AgentActivity, answered from the Asterisk events and
// link states it subscribes to, with a snapshot file that carries them across restarts.
//
// [plugin.statistics]
//   file      the snapshot file ("" = none; [server] statistics_file is its older name)
//   interval  ms between snapshots, written only when something changed (1000..3600000,
//             default 10000; [server] statistics_interval is its older name)
#pragma once

#include <ampd/sdk.hpp>

void load_statistics_plugin(ampd::sdk::Registrar& registrar);
void unload_statistics_plugin();
