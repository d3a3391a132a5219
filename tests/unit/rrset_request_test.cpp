// SPDX-License-Identifier: MIT
// Tests of lib/api/rrset_request: RRset request bodies parsed and validated before the database.
#include "api/rrset_request.hpp"
#include "dns/rr.hpp"

#include <gtest/gtest.h>

using namespace endpointdns;
using namespace endpointdns::api;
using nlohmann::json;

namespace {

Batch batch(const std::string& text, RequestLimits limits = {}) {
    Batch b;
    parse_batch(json::parse(text), "example.com", limits, b);
    return b;
}

Batch single(const std::string& text, const std::string& owner, uint16_t type) {
    Batch b;
    b.errors.single = true;
    b.items = 1;
    parse_item(json::parse(text), 0, "example.com", {}, std::make_pair(owner, type), b);
    return b;
}

} // namespace

TEST(RrsetRequest, ReplaceItemsResolveOwnersAndParseContent) {
    auto b = batch(R"([{"name":"www","type":"A","ttl":300,"records":["192.0.2.1"]},
                       {"name":"@","type":"mx","records":["10 mail.example.com"]},
                       {"name":"x.example.com.","type":"TXT","records":["\"a b\""]}])");
    ASSERT_TRUE(b.errors.empty()) << b.errors.list.dump();
    ASSERT_EQ(b.edits.size(), 3u);
    EXPECT_EQ(b.edits[0].name, "www.example.com");
    EXPECT_EQ(b.edits[0].op, store::Edit::Op::replace);
    EXPECT_EQ(b.edits[0].ttl, 300u);
    EXPECT_EQ(b.edits[0].records[0].rdata, std::string("\xc0\x00\x02\x01", 4));
    EXPECT_EQ(b.edits[1].name, "example.com");
    EXPECT_EQ(b.edits[1].type, dns::rrtype::MX);
    EXPECT_FALSE(b.edits[1].ttl);
    EXPECT_EQ(b.edits[1].records[0].text, "10 mail.example.com.");
    EXPECT_EQ(b.edits[2].name, "x.example.com");
    EXPECT_EQ(b.item_of, (std::vector<size_t>{0, 1, 2}));
}

TEST(RrsetRequest, EmptyRecordsDeletesAndAddRemoveGiveTwoEdits) {
    auto b = batch(R"({"rrsets":[{"name":"old","type":"A","records":[]},
                        {"name":"_acme-challenge","type":"TXT","add":["\"new\""],"remove":["\"old\""]}]})");
    ASSERT_TRUE(b.errors.empty()) << b.errors.list.dump();
    ASSERT_EQ(b.edits.size(), 3u);
    EXPECT_EQ(b.edits[0].op, store::Edit::Op::replace);
    EXPECT_TRUE(b.edits[0].records.empty());
    EXPECT_EQ(b.edits[1].op, store::Edit::Op::remove_records); // remove first, then add
    EXPECT_EQ(b.edits[2].op, store::Edit::Op::add_records);
    EXPECT_EQ(b.item_of, (std::vector<size_t>{0, 1, 1}));
}

TEST(RrsetRequest, ErrorsNameItemAndFieldInRequestOrder) {
    auto b = batch(R"([{"name":"ok","type":"A","records":["192.0.2.1"]},
                       {"name":"bad","type":"A","records":["192.0.2.1","1.2.3"]},
                       {"name":"a..b","type":"A","records":["192.0.2.1"]},
                       {"name":"c","type":"NOPE","records":[]},
                       {"name":"d","type":"A","records":["192.0.2.9","192.0.2.9"]},
                       {"name":"e","type":"A","ttl":"300","records":["192.0.2.1"]},
                       {"name":"f","type":"A","records":["192.0.2.1"],"color":"red"}])");
    auto& l = b.errors.list;
    ASSERT_EQ(l.size(), 6u) << l.dump();
    EXPECT_EQ(l[0]["item"], 1);
    EXPECT_EQ(l[0]["field"], "records[1]");
    EXPECT_EQ(l[1]["item"], 2);
    EXPECT_EQ(l[1]["field"], "name");
    EXPECT_EQ(l[2]["item"], 3);
    EXPECT_EQ(l[2]["field"], "type");
    EXPECT_EQ(l[3]["item"], 4);
    EXPECT_EQ(l[3]["field"], "records[1]");
    EXPECT_NE(l[3]["detail"].get<std::string>().find("duplicate of records[0]"), std::string::npos);
    EXPECT_EQ(l[4]["field"], "ttl");
    EXPECT_EQ(l[5]["field"], "color");
}

TEST(RrsetRequest, ApexRulesAndRefusedTypes) {
    auto b = batch(R"([{"name":"@","type":"CNAME","records":["x.example.net"]},
                       {"name":"@","type":"DS","records":["1 8 2 0000000000000000000000000000000000000000000000000000000000000000"]},
                       {"name":"www","type":"SOA","records":[]},
                       {"name":"www","type":"RRSIG","records":[]},
                       {"name":"www","type":"CNAME","records":["x.example.net"]}])");
    auto& l = b.errors.list;
    ASSERT_EQ(l.size(), 4u) << l.dump();
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(l[i]["item"], i);
        EXPECT_EQ(l[i]["field"], "type");
    }
    ASSERT_EQ(b.edits.size(), 1u);
    EXPECT_EQ(b.edits[0].type, dns::rrtype::CNAME);
}

TEST(RrsetRequest, NamesOutsideTheZoneAreRefused) {
    auto b = batch(R"([{"name":"www.example.net.","type":"A","records":["192.0.2.1"]}])");
    ASSERT_EQ(b.errors.list.size(), 1u);
    EXPECT_EQ(b.errors.list[0]["field"], "name");
    EXPECT_TRUE(b.edits.empty());
}

TEST(RrsetRequest, BodyShapeErrors) {
    EXPECT_FALSE(batch("[]").body_error.empty());
    EXPECT_FALSE(batch("{}").body_error.empty());
    EXPECT_FALSE(batch("{\"rrsets\":{}}").body_error.empty());
    EXPECT_FALSE(batch("{\"items\":[]}").body_error.empty());
    EXPECT_FALSE(batch("42").body_error.empty());
    RequestLimits small{10, 2};
    auto b = batch(R"([{"name":"a","type":"A","records":[]},{"name":"b","type":"A","records":[]},
                       {"name":"c","type":"A","records":[]}])",
                   small);
    EXPECT_NE(b.body_error.find("at most 2 items"), std::string::npos);
    auto many =
        batch(R"([{"name":"a","type":"A","records":["192.0.2.1","192.0.2.2","192.0.2.3"]}])",
              RequestLimits{2, 10});
    ASSERT_EQ(many.errors.list.size(), 1u);
    EXPECT_EQ(many.errors.list[0]["field"], "records");
}

TEST(RrsetRequest, SingleRouteBodies) {
    auto put = single(R"({"ttl":120,"records":["192.0.2.7"]})", "www.example.com", 1);
    ASSERT_TRUE(put.errors.empty());
    ASSERT_EQ(put.edits.size(), 1u);
    EXPECT_EQ(put.edits[0].name, "www.example.com");
    EXPECT_EQ(put.edits[0].ttl, 120u);
    // On a single-RRset route the owner and type come from the path, not the body.
    auto named = single(R"({"name":"other","records":["192.0.2.7"]})", "www.example.com", 1);
    ASSERT_EQ(named.errors.list.size(), 1u);
    EXPECT_EQ(named.errors.list[0]["field"], "name");
    EXPECT_FALSE(named.errors.list[0].contains("item"));
    auto both = single(R"({"records":[],"add":["192.0.2.7"]})", "www.example.com", 1);
    EXPECT_EQ(both.errors.list.size(), 1u);
    auto none = single(R"({"ttl":300})", "www.example.com", 1);
    EXPECT_EQ(none.errors.list.size(), 1u);
}
