#include "queue_plugin.hpp"

#include "queue_handlers.hpp"

using ampd::sdk::optional;
using ampd::sdk::Privilege;
using ampd::sdk::required;

void load_queue_plugin(ampd::sdk::Registrar& r) {
  r.async_command("QueueAdd", Privilege::Agent,
                  {required("Queue"), required("Interface"), optional("Penalty"),
                   optional("Paused"), optional("MemberName"), optional("StateInterface")},
                  queue_plugin::queue_add, "Add a member or agent to a queue");
  r.async_command("QueueRemove", Privilege::Agent, {required("Queue"), required("Interface")},
                  queue_plugin::queue_remove, "Remove a member or agent from a queue");
  r.async_command(
      "QueuePause", Privilege::Agent,
      {required("Queue"), required("Interface"), optional("Paused"), optional("Reason")},
      queue_plugin::queue_pause, "Pause (the default) or unpause a member or agent in a queue");
  r.async_command("QueueInfo", Privilege::Monitor, {optional("Queue"), optional("Member")},
                  queue_plugin::queue_info,
                  "List queues with their parameters, members and waiting callers");
}
