// Message keeps every name and value in one buffer: the views it hands out, changing headers
// in place, copying a header within a message and bounded growth under repeated changes.
#include "wire/message.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace ampd {
namespace {

std::string dump(const Message& m) {
  std::string out;
  for (const auto h : m.headers()) out.append(h.name).append("=").append(h.value).append(";");
  return out;
}

TEST(Message, KeepsOrderRepeatsAndCaseInsensitiveNames) {
  Message m{{"Event", "Newstate"}, {"Variable", "a=1"}};
  m.add("variable", "b=2");
  EXPECT_EQ(dump(m), "Event=Newstate;Variable=a=1;variable=b=2;");
  EXPECT_EQ(m.find("EVENT"), "Newstate");
  EXPECT_FALSE(m.find("Channel").has_value());
  EXPECT_EQ(m.get("Channel", "none"), "none");
  EXPECT_EQ(m.get_all("VARIABLE"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(m.headers().size(), 3u);
  EXPECT_EQ(m.headers().back().value, "b=2");
}

TEST(Message, ViewsAreNulTerminatedForThePluginAbi) {
  Message m;
  m.add("Channel", "SIP/1001-00000001-with-a-long-name");
  m.add("Empty", "");
  for (const auto h : m.headers()) {
    EXPECT_EQ(std::strlen(h.name.data()), h.name.size());
    EXPECT_EQ(std::strlen(h.value.data()), h.value.size());
  }
}

TEST(Message, SetReplacesShorterAndLongerValuesAndAppendsNewNames) {
  Message m{{"A", "first-value"}, {"B", "x"}};
  m.set("a", "short");
  EXPECT_EQ(std::strlen(m.headers()[0].value.data()), 5u);
  m.set("B", "a value much longer than the one before");
  m.set("C", "new");
  EXPECT_EQ(dump(m), "A=short;B=a value much longer than the one before;C=new;");
}

TEST(Message, CopiesAHeaderFromItselfSafely) {
  Message m{{"ActionID", "an-action-id-long-enough-to-move-the-buffer"}};
  for (int i = 0; i < 50; ++i) m.add(m.headers()[0].name, m.headers()[0].value);
  EXPECT_EQ(m.get_all("ActionID").size(), 51u);
  for (const auto& v : m.get_all("ActionID"))
    EXPECT_EQ(v, "an-action-id-long-enough-to-move-the-buffer");
  m.set("ActionID", m.headers()[50].value.substr(3));
  EXPECT_EQ(m.get("ActionID"), "action-id-long-enough-to-move-the-buffer");
}

TEST(Message, RemoveDropsEveryHeaderOfThatName) {
  Message m{{"Event", "X"}, {"ActionID", "1"}, {"Channel", "c"}, {"actionid", "2"}};
  m.remove("ACTIONID");
  EXPECT_EQ(dump(m), "Event=X;Channel=c;");
}

TEST(Message, CopiesAreIndependent) {
  Message a{{"Queue", "support"}};
  Message b = a;
  b.set("Queue", "sales-and-everything-else");
  EXPECT_EQ(a.get("Queue"), "support");
  EXPECT_EQ(b.get("Queue"), "sales-and-everything-else");
}

TEST(Message, AMovedFromMessageIsEmptyAndUsable) {
  // Dead bytes below the compaction threshold must leave with the buffer, or the emptied
  // message would later compact "more dead bytes than it has".
  Message a{{"Keep", std::string(5000, 'k')}, {"Queue", std::string(1500, 'q')}};
  a.set("Queue", "short");
  Message b = std::move(a);
  EXPECT_EQ(b.get("Queue"), "short");
  EXPECT_EQ(b.get("Keep").size(), 5000u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): what is checked here
  a.add("X", "1");
  a.remove("X");
  a.set("Y", "2");
  EXPECT_EQ(a.get("Y"), "2");
  EXPECT_EQ(a.headers().size(), 1u);
}

TEST(Message, RepeatedChangesDoNotGrowItWithoutBound) {
  Message m{{"Calls", "0"}, {"Holdtime", "0"}};
  std::size_t largest = 0;
  for (int i = 0; i < 100000; ++i) {
    m.set("Calls", std::string(static_cast<std::size_t>(i % 40), 'c'));
    m.add("Tmp", "temporary value that is removed again");
    m.remove("Tmp");
    largest = std::max(largest, m.text_bytes());
  }
  EXPECT_LT(largest, 8192u);
  EXPECT_EQ(m.get("Holdtime"), "0");
}

}  // namespace
}  // namespace ampd
