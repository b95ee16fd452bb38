#include "wire/responses.hpp"

namespace ampd {

Message make_response(std::string_view action, std::string_view response, const Message& request,
                      std::string_view message) {
  Message m;
  m.reserve(4);
  m.add("Action", action);
  m.add("Response", response);
  if (auto id = request.find("ActionID")) m.add("ActionID", *id);
  if (!message.empty()) m.add("Message", message);
  return m;
}

}  // namespace ampd
