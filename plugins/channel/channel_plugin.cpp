#include "channel_plugin.hpp"

#include "channel_commands.hpp"
#include "monitor_commands.hpp"

using ampd::sdk::optional;
using ampd::sdk::Privilege;
using ampd::sdk::required;

void load_channel_plugin(ampd::sdk::Registrar& r) {
  r.async_command("AbsoluteTimeout", Privilege::Administrator,
                  {required("Channel"), required("Timeout")}, channel::absolute_timeout,
                  "Hang up Channel after Timeout seconds");
  r.async_command("ChannelInfo", Privilege::Monitor, {}, channel::channel_info,
                  "List all active channels");
  r.async_command("Hangup", Privilege::Administrator, {required("Channel")}, channel::hangup,
                  "Hang up a channel");
  r.async_command("Redirect", Privilege::Administrator,
                  {required("Channel"), required("Context"), required("Exten"),
                   required("Priority"), optional("ExtraChannel"), optional("ExtraContext"),
                   optional("ExtraExten"), optional("ExtraPriority")},
                  channel::redirect, "Send a channel (and ExtraChannel) elsewhere in the dialplan");
  r.async_command("Getvar", Privilege::Monitor, {required("Variable"), optional("Channel")},
                  channel::getvar, "Read a channel variable, or a global one without Channel");
  r.async_command("Setvar", Privilege::Administrator,
                  {required("Variable"), optional("Value"), optional("Channel")}, channel::setvar,
                  "Set a channel variable, or a global one without Channel (no Value: empty)");
  r.command("Monitor", Privilege::Administrator,
            {required("Channel"), optional("File"), optional("Format"), optional("Combine")},
            channel::monitor, "Start recording a channel (Monitor, or MixMonitor where gone)");
  r.command("ChangeMonitor", Privilege::Administrator, {required("Channel"), required("File")},
            channel::change_monitor, "Change the file a Monitor recording goes to");
  r.command("StopMonitor", Privilege::Administrator, {required("Channel")}, channel::stop_monitor,
            "Stop recording a channel");
}
