#include <Poco/Logger.h>

#include <algorithm>

#include "app/server.hpp"
#include "base/text.hpp"

namespace ampd {

CoreHandler Server::core_handler(CoreVerb verb) {
  return
      [this, verb](const Identity& who, const Message& request, std::function<void(Reply)> done) {
        run_profile_command(verb, who, request, std::move(done));
      };
}

void Server::run_profile_command(CoreVerb verb, const Identity& who, const Message& request,
                                 std::function<void(Reply)> done) {
  auto job = [this, verb, request, by = who.user, done]() {
    auto outcome = profiles_.run(verb, request, by);
    reactor_.post([this, outcome = std::move(outcome), done] {
      if (outcome.users) {
        users_ = outcome.users;
        publish_settings();
      }
      done(outcome.reply);
      if (!outcome.deleted_user.empty()) close_sessions_of(outcome.deleted_user);
    });
  };
  if (!workers_.try_post(std::move(job))) {
    done(failed_reply(request.get("Action"),
                      "Server busy: too many commands waiting, try again later"));
  }
}

void Server::close_sessions_of(const std::string& user) {
  shards_.for_each_session([user](ClientSession& s) {
    if (s.logged_in() && iequals(s.identity().user, user)) {
      s.close_with_error("Your profile was deleted", "profile deleted");
    }
  });
}

}  // namespace ampd
