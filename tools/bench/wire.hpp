// Just enough of the two wire formats to frame messages and pick out the few fields the
// benchmark checks. Exact-case lookups on purpose: the event path must stay cheap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

enum class Wire { Native, Xml };

// Length of the complete message at the start of `in` (terminator included), 0 if incomplete.
// Native messages end with a blank line; ampd's XML messages are one line each.
std::size_t frame_length(Wire wire, std::string_view in);

// The value of `name` (native "Name: value" line, XML name="value" attribute); false if absent.
bool find_field(Wire wire, std::string_view message, std::string_view name,
                std::string_view& value);

bool is_event(Wire wire, std::string_view message);
bool parse_u64(std::string_view text, std::uint64_t& out);
// "1700000000.123456" (seconds.microseconds) in microseconds; 0 when malformed.
std::int64_t parse_timestamp_us(std::string_view text);

// Login requests: the simulator's AMI account, or ampd's benchmark user in either format.
std::string direct_login(bool events);
std::string ampd_login(Wire wire, bool events);
// "Events" with EventMask: on and ActionID "events", in the client's format.
std::string events_on_request(Wire wire);
// An action with an ActionID in the client's format.
std::string action_request(Wire wire, std::string_view action, std::string_view action_id);

}  // namespace bench
