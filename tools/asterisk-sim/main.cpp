// ampd-asterisk-sim: an AMI server that behaves like Asterisk (modern 18/20/22 or 1.4)
// so ampd's demo and tests can run without a PBX.
#include <cstdio>
#include <deque>
#include <fstream>
#include <iterator>
#include <string>

#include "loadgen.h"
#include "options.h"
#include "parser.h"
#include "server.h"
#include "state.h"

int main(int argc, char** argv) {
  sim::Options opt;
  bool help = false;
  std::string error;
  if (!sim::parse_options(argc, argv, opt, help, error)) {
    std::fprintf(stderr, "ampd-asterisk-sim: %s\n\n%s", error.c_str(), sim::usage().c_str());
    return 2;
  }
  if (help) {
    std::fputs(sim::usage().c_str(), stdout);
    return 0;
  }

  sim::SimState state;
  state.seed();
  sim::Server::install_signal_handlers();
  sim::Server server(opt, state);
  if (!server.start(error)) {
    std::fprintf(stderr, "ampd-asterisk-sim: %s\n", error.c_str());
    return 1;
  }

  if (!opt.script_file.empty()) {
    // The script is AMI actions in wire format (Action: SimQueueCall ... blank line).
    std::ifstream in(opt.script_file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "ampd-asterisk-sim: cannot read %s\n", opt.script_file.c_str());
      return 1;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text += "\n\n";
    sim::RequestParser parser;
    std::deque<sim::RequestParser::Item> items;
    parser.feed(text, items);
    server.run_script(std::move(items));
  }

  sim::LoadGen load(server);
  load.start();
  server.run();
  return 0;
}
