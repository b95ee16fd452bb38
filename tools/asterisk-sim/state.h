// The simulated PBX: queues, agents, channels, AstDB, mailboxes, peers, hints.
// Plain data plus lookups; the AMI wording lives in the action and event files.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <string>
#include <vector>

namespace sim {

// Device states as app_queue reports them in QueueMember "Status:".
enum DeviceState {
  kDevUnknown = 0,
  kDevNotInUse = 1,
  kDevInUse = 2,
  kDevInvalid = 4,
  kDevUnavailable = 5,
  kDevRinging = 6
};

struct Member {
  std::string name;  // MemberName (defaults to the interface)
  std::string interface;
  std::string state_interface;
  bool dynamic = false;
  int penalty = 0;
  int calls = 0;
  long lastcall = 0;
  long lastpause = 0;
  long logintime = 0;
  bool incall = false;
  int status = kDevNotInUse;
  bool paused = false;
  std::string paused_reason;
  int wrapuptime = 0;
  bool ringinuse = true;
};

struct QueueCaller {
  std::string channel;
  std::string uniqueid;
  std::string cid_num;
  std::string cid_name;
  time_t joined = 0;
};

struct Queue {
  std::string name;
  std::string strategy = "ringall";
  int max = 0;
  int holdtime = 0;  // rolling averages, seconds
  int talktime = 0;
  int completed = 0;
  int abandoned = 0;
  int servicelevel = 0;
  int weight = 0;
  std::vector<Member> members;
  std::vector<QueueCaller> callers;

  Member* member(const std::string& iface_or_name);
};

struct Agent {
  std::string id;
  std::string name;
  bool logged_in = false;
  std::string channel;  // channel the agent logged in from
  std::string uniqueid;
  time_t login_time = 0;
};

// 0 Down, 4 Ring, 5 Ringing, 6 Up (ast_channel_state numbers).
struct Channel {
  std::string name;
  std::string type;  // "Local", "PJSIP", "SIP"
  int state = 0;
  std::string cid_num = "<unknown>";
  std::string cid_name = "<unknown>";
  std::string conn_num = "<unknown>";
  std::string conn_name = "<unknown>";
  std::string context = "default";
  std::string exten;
  int priority = 1;
  std::string uniqueid;
  std::string linkedid;
  std::string application;
  std::string data;
  std::string partner;  // the other half of a Local channel pair
  time_t created = 0;
  std::vector<std::pair<std::string, std::string>> vars;
  bool monitoring = false;
  bool mixmonitoring = false;
  uint64_t timeout_timer = 0;  // AbsoluteTimeout timer id
};

struct Peer {
  std::string name;
  std::string host = "(Unspecified)";
  std::string context = "default";
};

struct Mailbox {
  int urgent = 0;
  int new_msgs = 0;
  int old_msgs = 0;
  std::string fullname;
};

struct Hint {
  std::string exten;
  std::string context;
  std::string device;
  int status = 0;
};

const char* state_desc(int state);      // "Up", "Ring", ...
const char* extension_state_text(int);  // "Idle", "Unavailable", ...

struct SimState {
  time_t startup = 0;
  time_t reload = 0;
  int processed_calls = 0;
  uint64_t uniqueid_seq = 0;
  uint32_t local_seq = 0;  // the "-0000000N" suffix of Local channel names

  std::vector<Queue> queues;
  std::vector<Agent> agents;
  std::vector<Channel> channels;          // creation order, as CoreShowChannels lists them
  std::map<std::string, std::string> db;  // "/family/key" -> value, sorted like sqlite
  std::map<std::string, std::string> globals;
  std::vector<Peer> sip_peers;
  std::vector<Peer> pjsip_endpoints;
  std::map<std::string, Mailbox> mailboxes;  // "1234@default"
  std::vector<Hint> hints;

  void seed();
  Queue* queue(const std::string& name);
  Agent* agent(const std::string& id);
  Channel* channel(const std::string& name);
  const Hint* hint(const std::string& exten, const std::string& context) const;
  void remove_channel(const std::string& name);
  std::string next_uniqueid();
  std::string next_local_suffix();
};

}  // namespace sim
