#include <Poco/Exception.h>

#include <csignal>
#include <iostream>

#include "app/ampd_app.hpp"

int main(int argc, char** argv) {
  // Hold termination signals until the reactor has its handlers (Server::run unblocks them), so
  // a SIGTERM during start-up still stops ampd cleanly and removes its pid file. Threads started
  // meanwhile inherit the mask, so signals always reach the reactor thread.
  sigset_t held;
  sigemptyset(&held);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&held, sig);
  pthread_sigmask(SIG_BLOCK, &held, nullptr);
  try {
    ampd::AmpdApp app;
    return app.run(argc, argv);
  } catch (const Poco::Exception& e) {
    std::cerr << "ampd: " << e.displayText() << "\n";
    return Poco::Util::Application::EXIT_SOFTWARE;
  }
}
