// A command's answer as handlers build it: a response with fields, and for list commands the
// records. The core renders it in the client's format (see render_reply).
#pragma once

#include <string>
#include <vector>

#include "wire/message.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

struct Reply {
  struct Record {
    std::string name;  // e.g. "QueueMember"; native: the Event name; XML: the child element name
    Message fields;
  };

  std::string action;  // the command's canonical name, e.g. "QueueInfo"
  bool success = true;
  std::string message;   // the Message header; may be empty
  Message fields;        // further headers of the response (repeats allowed, e.g. Output)
  bool is_list = false;  // rendered in list shape, even with no records
  std::vector<Record> records;
};

// An answer that says the command failed, and why.
inline Reply failed_reply(std::string action, std::string message) {
  Reply reply;
  reply.action = std::move(action);
  reply.success = false;
  reply.message = std::move(message);
  return reply;
}

// Renders `reply` as the answer to `request` (whose ActionID it carries) in `format`.
//
// Native, single:  Action: X / Response: Success|Error / [ActionID] / [Message] / fields / blank
// Native, list:    the response with "EventList: start", then one "Event: <record name>" message
//                  per record (with the ActionID), then "Event: XComplete / [ActionID] /
//                  EventList: Complete / ListItems: N" -- the shape AMI's own list actions have.
// XML, single:     <command action="x" response="Success" [ActionID=..] [Message=..] fields />
// XML, list:       <command action="x" response="Success" ... ListItems="N"><record_name
//                  attrs/>...</command>   (record names and attributes as render_xml_event
//                  makes them valid).
// JSON, single:    {"Action":"X","Response":"Success",["ActionID":..,]["Message":..,]fields}
//                  (a repeated field is one key with an array of strings)
// JSON, list:      the native response without "EventList", then "ListItems":"N" and
//                  "records":[{"event":"<record name>",fields},...] (no ActionID in records).
// Native answers in NativeShape::Asterisk lose their "Action:" line.
void render_reply(const Reply& reply, const Message& request, WireFormat format, std::string& out,
                  NativeShape shape = NativeShape::Reference);

}  // namespace ampd
