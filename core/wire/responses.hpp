// Builders for the answers ampd itself gives, so every path spells them the same way.
#pragma once

#include <string_view>

#include "wire/message.hpp"

namespace ampd {

// Action: <action> / Response: <response> / [ActionID] / [Message].
Message make_response(std::string_view action, std::string_view response, const Message& request,
                      std::string_view message = {});

inline Message make_error(std::string_view action, const Message& request,
                          std::string_view message) {
  return make_response(action, "Error", request, message);
}

}  // namespace ampd
