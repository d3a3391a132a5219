// SPDX-License-Identifier: MIT
// Zone stream writer and reader (AXFR per RFC 5936, IXFR per RFC 1995, framing per RFC 7766).
#include "zone/stream.hpp"

#include "error.hpp"

namespace endpointdns::zone {

namespace rrtype = dns::rrtype;
using dns::Section;

uint32_t Delta::from_serial() const {
    return steps.empty() ? 0
                         : dns::parse_soa(steps.front().from_soa.rdata).value_or(dns::Soa{}).serial;
}
uint32_t Delta::to_serial() const {
    return steps.empty() ? 0
                         : dns::parse_soa(steps.back().to_soa.rdata).value_or(dns::Soa{}).serial;
}

// ---- writer ---------------------------------------------------------------------------------

StreamWriter::StreamWriter(Sink sink, size_t message_size)
    : sink_(std::move(sink)), mb_(std::min(message_size, dns::max_message)) {}

void StreamWriter::begin(const Name& zone, uint16_t qtype) {
    zone_ = &zone;
    qtype_ = qtype;
    mb_.reset(0, dns::flag::QR | dns::flag::AA);
    mb_.add_question(zone, qtype, dns::rrclass::IN);
}

void StreamWriter::flush() {
    if (mb_.count(Section::answer) == 0) return;
    std::string_view m = mb_.data();
    out_.clear();
    out_.push_back(char(m.size() >> 8));
    out_.push_back(char(m.size()));
    out_.append(m);
    sink_(out_);
    mb_.reset(0, dns::flag::QR | dns::flag::AA);
    mb_.add_question(*zone_, qtype_, dns::rrclass::IN);
}

void StreamWriter::add(std::string_view owner, uint16_t type, uint32_t ttl,
                       std::string_view rdata) {
    if (mb_.add_rr(Section::answer, owner, type, dns::rrclass::IN, ttl, rdata)) return;
    flush();
    if (!mb_.add_rr(Section::answer, owner, type, dns::rrclass::IN, ttl, rdata))
        throw Error(ex_dataerr, "record " + Name::from_wire_unchecked(owner).to_text() + " " +
                                    dns::type_name(type) + " does not fit in one DNS message");
}

// Keeps an RRset in one message when it fits in one; a larger RRset is split, as RFC 5936
// allows, rather than refused.
void StreamWriter::add_rrset(const Zone& zone, size_t begin, size_t end) {
    auto m = mb_.mark();
    bool fresh = mb_.count(Section::answer) == 0;
    for (size_t i = begin; i < end; ++i) {
        RrView r = zone.at(i);
        if (!mb_.add_rr(Section::answer, r.owner, r.type, dns::rrclass::IN, r.ttl, r.rdata)) {
            if (fresh) { // does not fit even an empty message: split it
                for (; i < end; ++i) {
                    RrView x = zone.at(i);
                    add(x.owner, x.type, x.ttl, x.rdata);
                }
                return;
            }
            mb_.rewind(m);
            flush();
            add_rrset(zone, begin, end);
            return;
        }
    }
}

void StreamWriter::write_zone(const Zone& zone) {
    auto soa = zone.soa();
    if (!soa) throw Error(ex_dataerr, "zone " + zone.origin().to_text() + " has no SOA record");
    begin(zone.origin(), rrtype::AXFR);
    add(soa->owner, soa->type, soa->ttl, soa->rdata);
    for (size_t i = 0; i < zone.size();) {
        size_t end = zone.rrset_end(i);
        RrView r = zone.at(i);
        if (r.type == rrtype::SOA && r.rdata.data() == soa->rdata.data()) {
            // The apex SOA goes first and last; other SOAs (invalid zones) stay in place.
            if (i + 1 < end) add_rrset(zone, i + 1, end);
        } else {
            add_rrset(zone, i, end);
        }
        i = end;
    }
    add(soa->owner, soa->type, soa->ttl, soa->rdata);
    flush();
}

void StreamWriter::write_delta(const Delta& d) {
    if (d.steps.empty())
        throw Error(ex_dataerr, "delta for " + d.origin.to_text() + " has no steps");
    for (const DeltaStep& s : d.steps) {
        auto from = dns::parse_soa(s.from_soa.rdata), to = dns::parse_soa(s.to_soa.rdata);
        if (!from || !to || !dns::serial_later(to->serial, from->serial))
            throw Error(ex_dataerr, "delta for " + d.origin.to_text() +
                                        " has a step that does not move the serial forward");
    }
    begin(d.origin, rrtype::IXFR);
    add(d.steps.back().to_soa);
    for (const DeltaStep& s : d.steps) {
        add(s.from_soa);
        for (const Rr& r : s.removed) add(r);
        add(s.to_soa);
        for (const Rr& r : s.added) add(r);
    }
    add(d.steps.back().to_soa);
    flush();
}

std::string zone_to_stream(const Zone& zone, size_t message_size) {
    std::string out;
    StreamWriter w([&](std::string_view m) { out.append(m); }, message_size);
    w.write_zone(zone);
    return out;
}

// ---- reader ---------------------------------------------------------------------------------

Result<bool> StreamReader::next_message() {
    if (pos_ == data_.size()) return false;
    auto where = [&] {
        return "message " + std::to_string(msg_no_ + 1) + " at offset " + std::to_string(pos_);
    };
    if (data_.size() - pos_ < 2) return fail(where() + ": truncated length prefix");
    const uint8_t* p = reinterpret_cast<const uint8_t*>(data_.data()) + pos_;
    size_t len = dns::get16(p);
    if (data_.size() - pos_ - 2 < len)
        return fail(where() + ": message of " + std::to_string(len) +
                    " octets runs past the end of the stream");
    auto m = dns::parse_message(p + 2, len);
    if (!m) return fail(where() + ": " + m.error());
    if (!(m->header.flags & dns::flag::QR) || m->header.opcode() != dns::opcode::QUERY)
        return fail(where() + ": not a response to a QUERY");
    if (m->header.rcode() != dns::rcode::NOERROR)
        return fail(where() + ": RCODE " + std::to_string(m->header.rcode()));
    if (m->question.size() > 1) return fail(where() + ": more than one question");
    if (!m->authority.empty()) return fail(where() + ": records in the authority section");
    for (const auto& r : m->additional)
        if (r.type != rrtype::OPT && r.type != 250 /* TSIG */)
            return fail(where() + ": records in the additional section");
    msg_offset_ = pos_;
    pos_ += 2 + len;
    ++msg_no_;
    msg_ = std::move(*m);
    rr_index_ = 0;
    return true;
}

std::string StreamReader::here() const {
    return "message " + std::to_string(msg_no_) + " at offset " + std::to_string(msg_offset_);
}

Result<bool> StreamReader::next_rr(Rr& rr, bool& last_in_message) {
    while (!msg_ || rr_index_ >= msg_->answer.size()) {
        size_t at = pos_;
        auto got = next_message();
        if (!got) return fail(got.error());
        if (!*got)
            return fail("stream ends at offset " + std::to_string(at) + " inside the transfer of " +
                        qname_.to_text());
        if (!msg_->question.empty() &&
            (msg_->question[0].name != qname_ || msg_->question[0].type != qtype_))
            return fail("message " + std::to_string(msg_no_) + " at offset " +
                        std::to_string(msg_offset_) + ": question changes inside the transfer of " +
                        qname_.to_text());
    }
    rr = std::move(msg_->answer[rr_index_++]);
    last_in_message = rr_index_ == msg_->answer.size();
    if (rr.cls != dns::rrclass::IN)
        return fail(here() + ": record of class " + dns::class_name(rr.cls) + " in zone " +
                    qname_.to_text());
    if (!dns::is_data_type(rr.type))
        return fail(here() + ": record of meta type " + dns::type_name(rr.type) + " in zone " +
                    qname_.to_text());
    return true;
}

Result<bool> StreamReader::next(StreamItem& item) {
    msg_.reset();
    auto got = next_message();
    if (!got) return fail(got.error());
    if (!*got) return false;
    if (msg_->question.size() != 1)
        return fail(here() + ": the first message of a transfer needs a question");
    qname_ = msg_->question[0].name;
    qtype_ = msg_->question[0].type;
    if (qtype_ != rrtype::AXFR && qtype_ != rrtype::IXFR)
        return fail(here() + ": question type is " + dns::type_name(qtype_) + ", not AXFR or IXFR");
    if (msg_->question[0].cls != dns::rrclass::IN)
        return fail(here() + ": question class is not IN");
    if (msg_->answer.empty())
        return fail(here() + ": transfer of " + qname_.to_text() + " has no records");

    Rr first;
    bool last = false;
    if (auto r = next_rr(first, last); !r) return fail(r.error());
    if (first.type != rrtype::SOA || first.owner != qname_)
        return fail(here() + ": transfer of " + qname_.to_text() + " does not start with its SOA");
    auto first_soa = dns::parse_soa(first.rdata);
    if (!first_soa) return fail(here() + ": malformed SOA");
    auto is_final = [&](const Rr& r) {
        return r.type == rrtype::SOA && r.owner == qname_ && r.rdata == first.rdata;
    };
    auto end_check = [&](bool last_in_message) -> Result<bool> {
        if (!last_in_message)
            return fail(here() + ": records after the closing SOA of " + qname_.to_text());
        return true;
    };

    Rr rr;
    if (auto r = next_rr(rr, last); !r) return fail(r.error());
    bool incremental =
        qtype_ == rrtype::IXFR && rr.type == rrtype::SOA && rr.owner == qname_ && !is_final(rr);
    if (!incremental) {
        // A full zone (AXFR, or an IXFR answered with the whole zone).
        Zone z(qname_);
        z.add(first);
        while (!is_final(rr)) {
            if (rr.type == rrtype::SOA && rr.owner == qname_)
                return fail(here() + ": second SOA with another serial inside the transfer of " +
                            qname_.to_text());
            z.add(rr);
            if (auto r = next_rr(rr, last); !r) return fail(r.error());
        }
        if (auto r = end_check(last); !r) return fail(r.error());
        z.normalize();
        item.kind = StreamItem::Kind::full;
        item.zone = std::move(z);
        item.delta = Delta{};
        return true;
    }
    Delta d;
    d.origin = qname_;
    // rr is the first step's old SOA.
    for (;;) {
        DeltaStep step;
        step.from_soa = std::move(rr);
        if (!d.steps.empty() && step.from_soa.rdata != d.steps.back().to_soa.rdata)
            return fail(here() + ": delta step of " + qname_.to_text() +
                        " does not start where the previous one ended");
        for (;;) {
            if (auto r = next_rr(rr, last); !r) return fail(r.error());
            if (rr.type == rrtype::SOA && rr.owner == qname_) break;
            step.removed.push_back(std::move(rr));
        }
        step.to_soa = std::move(rr);
        bool done = false;
        for (;;) {
            if (auto r = next_rr(rr, last); !r) return fail(r.error());
            if (rr.type == rrtype::SOA && rr.owner == qname_) {
                done = is_final(rr) && step.to_soa.rdata == first.rdata;
                break;
            }
            step.added.push_back(std::move(rr));
        }
        d.steps.push_back(std::move(step));
        if (done) break;
    }
    if (auto r = end_check(last); !r) return fail(r.error());
    item.kind = StreamItem::Kind::delta;
    item.zone.reset();
    item.delta = std::move(d);
    return true;
}

Result<std::vector<StreamItem>> read_stream(std::string_view bytes) {
    std::vector<StreamItem> items;
    StreamReader r(bytes);
    for (;;) {
        StreamItem it;
        auto got = r.next(it);
        if (!got) return fail(got.error());
        if (!*got) break;
        items.push_back(std::move(it));
    }
    return items;
}

} // namespace endpointdns::zone
