#include "clients/event_fanout.hpp"

#include "base/text.hpp"
#include "wire/message_render.hpp"

namespace ampd {

const SharedBytes& RenderedEvent::bytes(WireFormat format, bool nul_terminated) {
  const auto index = static_cast<std::size_t>(format) * 2 + (nul_terminated ? 1 : 0);
  auto& slot = variants_.at(index);
  if (ready_[index].load(std::memory_order_acquire)) return slot;
  std::lock_guard lock(render_mutex_);
  if (!slot) {
    std::string text;
    render_message(event_, format, text);
    if (nul_terminated) text.push_back('\0');
    slot = SharedBytes(std::move(text));
    ready_[index].store(true, std::memory_order_release);
  }
  return slot;
}

bool event_concerns_agent(const Message& event, const std::string& agent_id,
                          const std::vector<std::string>& interfaces) {
  if (agent_id.empty()) return false;
  const auto agent_channel = "Agent/" + agent_id;
  for (const auto& h : event.headers()) {
    const auto& v = h.value;
    if (iequals(h.name, "Agent") || iequals(h.name, "AgentID")) {
      if (v == agent_id || iequals(v, agent_channel)) return true;
      continue;
    }
    const bool interface_field = iequals(h.name, "Interface") || iequals(h.name, "Location") ||
                                 iequals(h.name, "MemberName") ||
                                 iequals(h.name, "StateInterface") || iequals(h.name, "Member");
    const bool channel_field = iequals(h.name, "Channel") || iequals(h.name, "DestChannel") ||
                               iequals(h.name, "AgentCalled") ||
                               iequals(h.name, "DestinationChannel");
    if (!interface_field && !channel_field) continue;
    if (iequals(v, agent_channel)) return true;
    for (const auto& itf : interfaces) {
      if (iequals(v, itf)) return true;
      // Channels are the interface plus "-<unique suffix>", e.g. PJSIP/1001-00000001.
      if (channel_field && v.size() > itf.size() && v[itf.size()] == '-' &&
          iequals(std::string_view(v).substr(0, itf.size()), itf)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace ampd
