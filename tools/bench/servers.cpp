#include "servers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace bench {

namespace {

// ampd logs its port at level information only, and we run it at warning: so pick the port.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  close(fd);
  return ntohs(a.sin_port);
}

const std::string& secret_hash(const Options& opt) {
  static std::string hash;
  if (hash.empty()) {
    std::string out;
    if (run_capture({opt.ampd, "--hash-secret"}, kAmpdSecret, out) != 0 || out.empty()) {
      throw std::runtime_error("'" + opt.ampd + " --hash-secret' failed: " + out);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    hash = out;
  }
  return hash;
}

// One blocking exchange on a probe socket: sends `request`, reads up to `until`.
bool exchange(int fd, const std::string& request, const std::string& until, std::string& got) {
  if (!request.empty() && send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    return false;
  }
  char buf[4096];
  while (got.find(until) == std::string::npos) {
    const auto n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

// Whether ampd accepts a login and forwards an action to Asterisk (its AMI link is up).
bool ampd_ready(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  std::string got;
  bool ok =
      connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && exchange(fd, "", "\r\n", got);
  ok = ok &&
       exchange(fd,
                std::string("Action: Login\r\nUsername: ") + kAmpdUser +
                    "\r\nSecret: " + kAmpdSecret + "\r\nEvents: off\r\n\r\n",
                "\r\n\r\n", got) &&
       got.find("Response: Success") != std::string::npos;
  got.clear();
  ok = ok && exchange(fd, "Action: ServerVersion\r\nActionID: probe\r\n\r\n", "\r\n\r\n", got) &&
       got.find("Response: Success") != std::string::npos;
  close(fd);
  return ok;
}

}  // namespace

Sim start_sim(const Options& opt, const std::vector<std::string>& extra) {
  Sim sim;
  sim.dir = std::make_unique<TempDir>();
  std::vector<std::string> argv{opt.sim, "--port", "0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  sim.child = std::make_unique<Child>(argv, sim.dir->file("sim.log"));
  const auto line = sim.child->wait_for_line("LISTENING ", 10);
  if (line.empty()) throw std::runtime_error("simulator did not start:\n" + sim.child->log_tail());
  sim.port = std::stoi(line.substr(line.find("LISTENING ") + 10));
  return sim;
}

Ampd start_ampd(const Options& opt, int sim_port, long client_output_cap) {
  Ampd ampd;
  ampd.dir = std::make_unique<TempDir>();
  ampd.dir->write("users.ini", std::string("[") + kAmpdUser + "]\nsecret = " + secret_hash(opt) +
                                   "\ntypes = monitor\n");
  ampd.port = free_port();
  ampd.dir->write("ampd.ini",
                  "[server]\nlisten = 127.0.0.1:" + std::to_string(ampd.port) +
                      "\nusers = users.ini\nplugins = " + opt.plugins +
                      "\nclient_output_cap = " + std::to_string(client_output_cap) +
                      (opt.io_threads > 0 ? "\nio_threads = " + std::to_string(opt.io_threads)
                                          : std::string()) +
                      "\nshutdown_timeout = 1000\n\n[logging]\nlevel = warning\n\n"
                      "[asterisk.bench]\nhost = 127.0.0.1\nport = " +
                      std::to_string(sim_port) + "\nusername = " + kSimUser +
                      "\nsecret = " + kSimSecret + "\n");
  ampd.child = std::make_unique<Child>(
      std::vector<std::string>{opt.ampd, "--config-file=" + ampd.dir->file("ampd.ini")},
      ampd.dir->file("ampd.log"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!ampd_ready(ampd.port)) {
    if (!ampd.child->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("ampd did not become ready:\n" + ampd.child->log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return ampd;
}

}  // namespace bench
