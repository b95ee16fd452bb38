#include "auth/login_throttle.hpp"

#include <gtest/gtest.h>

namespace ampd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr ThrottlePolicy kPolicy{.attempts = 3,
                                 .user_attempts = 6,
                                 .spray_attempts = 10,
                                 .backoff_initial = milliseconds(2000),
                                 .backoff_max = milliseconds(16000),
                                 .window = milliseconds(60000)};

class Throttle : public ::testing::Test {
 protected:
  LoginThrottle throttle{kPolicy};
  LoginThrottle::Clock::time_point now = LoginThrottle::Clock::now();

  void fail(const std::string& address, const std::string& user, bool known = true, int n = 1) {
    for (int i = 0; i < n; ++i) throttle.failed(address, user, known, now);
  }
  long wait(const std::string& address, const std::string& user, bool known = true) {
    return throttle.blocked_for(address, user, known, now);
  }
};

TEST_F(Throttle, OneUsersFailuresNeverRefuseAnotherUserOnTheSameAddress) {
  fail("10.0.0.1", "admin", true, 3);
  EXPECT_EQ(wait("10.0.0.1", "admin"), 2);
  EXPECT_EQ(wait("10.0.0.1", "carol"), 0);
  EXPECT_EQ(wait("10.0.0.2", "admin"), 0) << "below the per-username limit";
}

TEST_F(Throttle, TheBackoffDoublesAtEachFurtherFailureUpToItsMaximum) {
  fail("10.0.0.1", "admin", true, 3);
  EXPECT_EQ(wait("10.0.0.1", "Admin"), 2) << "usernames are case-insensitive";
  const long expected[] = {4, 8, 16, 16};
  for (long e : expected) {
    now += seconds(wait("10.0.0.1", "admin"));
    EXPECT_EQ(wait("10.0.0.1", "admin"), 0);
    fail("10.0.0.1", "admin");
    EXPECT_EQ(wait("10.0.0.1", "admin"), e);
  }
}

TEST_F(Throttle, ASuccessForgetsThatUsersFailuresFromThatAddress) {
  fail("10.0.0.1", "admin", true, 2);
  throttle.succeeded("10.0.0.1", "ADMIN");
  fail("10.0.0.1", "admin", true, 2);
  EXPECT_EQ(wait("10.0.0.1", "admin"), 0);
}

TEST_F(Throttle, FailuresFromManyAddressesCountForTheUsername) {
  for (int i = 0; i < 6; ++i) fail("10.0.1." + std::to_string(i), "admin");
  EXPECT_EQ(wait("10.9.9.9", "admin"), 2) << "a distributed guesser is slowed down too";
  EXPECT_EQ(wait("10.9.9.9", "carol"), 0);
}

TEST_F(Throttle, ASprayOfUnknownUsernamesStopsOnlyUnknownUsernames) {
  for (int i = 0; i < 9; ++i) fail("10.0.0.1", "guess" + std::to_string(i), false);
  EXPECT_EQ(wait("10.0.0.1", "guess", false), 0) << "the spray limit is higher";
  fail("10.0.0.1", "guess9", false);
  EXPECT_EQ(wait("10.0.0.1", "anything", false), 2);
  EXPECT_EQ(wait("10.0.0.1", "carol"), 0) << "a user who exists logs in";
}

TEST_F(Throttle, AKeyQuietForTheWindowIsForgotten) {
  fail("10.0.0.1", "admin", true, 2);
  now += milliseconds(60000);
  fail("10.0.0.1", "admin");
  EXPECT_EQ(wait("10.0.0.1", "admin"), 0) << "the count started again";
}

TEST_F(Throttle, ZeroAttemptsTurnsItOff) {
  throttle.configure({.attempts = 0});
  fail("10.0.0.1", "admin", true, 100);
  EXPECT_EQ(wait("10.0.0.1", "admin"), 0);
}

TEST(ThrottleAddress, ThePortIsNotPartOfTheAddress) {
  EXPECT_EQ(LoginThrottle::address_of("10.0.0.1:5038"), "10.0.0.1");
  EXPECT_EQ(LoginThrottle::address_of("[::1]:5038"), "::1");
}

}  // namespace
}  // namespace ampd
