#include "agent_plugin.hpp"

#include "agent_handlers.hpp"

using ampd::sdk::optional;
using ampd::sdk::Privilege;
using ampd::sdk::required;

void load_agent_plugin(ampd::sdk::Registrar& r) {
  r.command("AgentCallbackLogin", Privilege::Agent,
            {required("Agent"), required("Exten"), required("Context"), optional("AckCall"),
             optional("WrapUpTime")},
            agent_plugin::agent_callback_login,
            "Log an agent in, called back at Exten@Context (Asterisk 1.4 only)");
  r.command("AgentLogoff", Privilege::Agent, {required("Agent"), optional("SoftHangUp")},
            agent_plugin::agent_logoff, "Log an agent off");
  r.async_command("AgentInfo", Privilege::Monitor, {optional("Agent")}, agent_plugin::agent_info,
                  "List agents, their status and login time");
}
