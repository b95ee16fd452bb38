#include <gtest/gtest.h>

#include "wire/reply.hpp"

namespace ampd {
namespace {

const Message kRequest{{"Action", "queueinfo"}, {"ActionID", "7"}};

Reply list_reply() {
  Reply r;
  r.action = "QueueInfo";
  r.is_list = true;
  r.records.push_back({"QueueMember", {{"Queue", "sales"}, {"Name", "A&B"}}});
  r.records.push_back({"Queue Entry", {{"Position", "1"}, {"Position", "2"}}});
  return r;
}

std::string render(const Reply& reply, WireFormat format, const Message& request = kRequest) {
  std::string out;
  render_reply(reply, request, format, out);
  return out;
}

TEST(ReplyRender, NativeSingle) {
  Reply r;
  r.action = "Command";
  r.message = "Command output follows";
  r.fields = {{"Output", "line 1"}, {"Output", "line 2"}};
  EXPECT_EQ(render(r, WireFormat::Native),
            "Action: Command\r\nResponse: Success\r\nActionID: 7\r\n"
            "Message: Command output follows\r\nOutput: line 1\r\nOutput: line 2\r\n\r\n");
}

TEST(ReplyRender, NativeSingleWithoutActionIdOrMessage) {
  Reply r;
  r.action = "ServerVersion";
  r.fields = {{"AsteriskVersion", "20.20.1"}};
  EXPECT_EQ(render(r, WireFormat::Native, Message{{"Action", "serverversion"}}),
            "Action: ServerVersion\r\nResponse: Success\r\nAsteriskVersion: 20.20.1\r\n\r\n");
}

TEST(ReplyRender, NativeListMirrorsAmiLists) {
  EXPECT_EQ(render(list_reply(), WireFormat::Native),
            "Action: QueueInfo\r\nResponse: Success\r\nActionID: 7\r\nEventList: start\r\n"
            "Message: Results will follow\r\n\r\n"
            "Event: QueueMember\r\nActionID: 7\r\nQueue: sales\r\nName: A&B\r\n\r\n"
            "Event: Queue Entry\r\nActionID: 7\r\nPosition: 1\r\nPosition: 2\r\n\r\n"
            "Event: QueueInfoComplete\r\nActionID: 7\r\nEventList: Complete\r\n"
            "ListItems: 2\r\n\r\n");
}

TEST(ReplyRender, NativeEmptyListStillHasItsShape) {
  Reply r;
  r.action = "QueueInfo";
  r.is_list = true;
  r.message = "Queue status will follow";
  EXPECT_EQ(render(r, WireFormat::Native, Message{{"Action", "QueueInfo"}}),
            "Action: QueueInfo\r\nResponse: Success\r\nEventList: start\r\n"
            "Message: Queue status will follow\r\n\r\n"
            "Event: QueueInfoComplete\r\nEventList: Complete\r\nListItems: 0\r\n\r\n");
}

TEST(ReplyRender, XmlSingle) {
  Reply r;
  r.action = "Command";
  r.fields = {{"Output", "a<b"}, {"Output", "c"}};
  EXPECT_EQ(render(r, WireFormat::Xml),
            "<command action=\"command\" response=\"Success\" ActionID=\"7\" Output=\"a&lt;b\" "
            "Output-1=\"c\" />\r\n");
}

TEST(ReplyRender, XmlListIsOneElementWithAChildPerRecord) {
  EXPECT_EQ(render(list_reply(), WireFormat::Xml),
            "<command action=\"queueinfo\" response=\"Success\" ActionID=\"7\" ListItems=\"2\">"
            "<queuemember queue=\"sales\" name=\"A&amp;B\" />"
            "<queue_entry position=\"1\" position-1=\"2\" /></command>\r\n");
}

TEST(ReplyRender, NativeError) {
  Reply r = list_reply();  // an error is never rendered as a list
  r.success = false;
  r.message = "Permission denied";
  r.fields = {};
  EXPECT_EQ(render(r, WireFormat::Native),
            "Action: QueueInfo\r\nResponse: Error\r\nActionID: 7\r\n"
            "Message: Permission denied\r\n\r\n");
}

TEST(ReplyRender, XmlErrorCarriesTheMessageAsAttributeAndText) {
  Reply r;
  r.action = "Command";
  r.success = false;
  r.message = "No such command 'x'";
  EXPECT_EQ(
      render(r, WireFormat::Xml),
      "<command action=\"command\" response=\"Error\" ActionID=\"7\" "
      "Message=\"No such command &apos;x&apos;\">No such command &apos;x&apos;</command>\r\n");
}

}  // namespace
}  // namespace ampd
