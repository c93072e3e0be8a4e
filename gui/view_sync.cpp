// 同步: this computer's name, fingerprint, addresses and place in its deployment; the
// computers it trusts with their state and certificates; the certificates held; computers seen on the network (or refused) with a pairing flow that shows both
// fingerprints to compare; adding a computer by address and key; revoking trust.
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <algorithm>
#include <initializer_list>
#include <utility>

#include <fmt/format.h>

#include "gui/field_history.h"

#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

// The machine's IPv4 addresses (not loopback): what another office types to reach it.
std::vector<std::string> localAddresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (!inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) continue;
    if (std::string_view(text).starts_with("127.")) continue;
    out.emplace_back(text);
  }
  freeifaddrs(list);
  return out;
}

// "tcp://0.0.0.0:7400" -> the addresses others can use, "tcp://192.168.1.5:7400".
std::vector<std::string> reachableEndpoints(const std::vector<std::string>& endpoints) {
  std::vector<std::string> out;
  const auto ips = localAddresses();
  for (const std::string& ep : endpoints) {
    constexpr std::string_view kAny = "tcp://0.0.0.0:";
    if (!ep.starts_with(kAny) || ips.empty()) {
      out.push_back(ep);
      continue;
    }
    for (const std::string& ip : ips) out.push_back(fmt::format("tcp://{}:{}", ip, ep.substr(kAny.size())));
  }
  return out;
}

// "ABCD-EFGH-...-WXYZ" as two lines of four groups: read aloud half by half, never wrapped
// inside a group.
std::string twoLines(std::string fingerprint) {
  std::size_t dash = 0;
  for (int groups = 0; groups < 4 && dash != std::string::npos; ++groups) dash = fingerprint.find('-', dash + 1);
  if (dash != std::string::npos) fingerprint[dash] = '\n';
  return fingerprint;
}

// Names organizations for the federation lines (scopes are organization ids).
OrgNamer orgNamer(const Node& node) {
  return [&node](const RecordId& id) {
    auto org = node.get(Kind::Organization, id);
    return org ? std::string(org->get("name")) : id.hex();
  };
}

// The certificate column is noise outside a deployment: shown once some peer has rules.
bool anyFederatedPeer(const SyncStatus& s) {
  for (const PeerStatus& p : s.peers)
    if (p.certified || !p.certificate.empty()) return true;
  return false;
}

// The width of small buttons side by side on one line (SmallButton: no vertical padding),
// so a column holding them is as wide as their labels in the UI language.
float smallButtonsWidth(std::initializer_list<const char*> labels) {
  const ImGuiStyle& style = ImGui::GetStyle();
  float width = 0;
  for (const char* label : labels) width += ImGui::CalcTextSize(label).x + style.FramePadding.x * 2;
  return width + style.ItemSpacing.x * static_cast<float>(labels.size() - 1);
}

// A line that may be long in a narrow cell: wrapped, with the whole text on hover.
void longLine(GuiContext& ctx, const ImVec4& color, const std::string& s) {
  ui::textWrappedColored(ctx, color, s);
  ui::tooltip(ctx, s);
}

struct Pairing {
  std::string key;
  std::string name;
  std::string address;
};

class SyncView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    const Tr& tr = ctx.tr;
    ui::title(ctx, tr(T::NavSync));
    ImGui::BeginChild("##sync");
    thisNode(ctx);
    peers(ctx);
    heldCertificates(ctx);
    discovered(ctx);
    addByAddress(ctx);
    log(ctx);
    ImGui::EndChild();
    // Opened here, in the same ID scope as the modal (buttons sit in tables and children).
    if (std::exchange(openPairing_, false)) ui::openModal("pair");
    pairingModal(ctx);
  }

  bool ready(const GuiContext& ctx) const override { return ctx.sync != nullptr || !ctx.engineError.empty(); }

 private:
  void section(GuiContext& ctx, T label) {
    ImGui::Spacing();
    ImGui::Spacing();
    ui::textColored(ctx, ui::toneColor(Tone::Bad), ctx.tr(label));
    ImGui::Separator();
  }

  void thisNode(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    section(ctx, T::SyncThisNode);
    if (!ctx.sync) {
      ui::errorText(ctx, tr.format(T::SyncEngineFailed, tr.message(ctx.engineError)));
      return;
    }
    const SyncStatus& s = *ctx.sync;
    ImGui::BeginTable("##me", 2, ImGuiTableFlags_SizingFixedFit);
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, tr.english() ? 110.0f : 80.0f);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthFixed, 700);
    auto row = [&](T label, auto&& value) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::AlignTextToFramePadding();
      ui::textMuted(ctx, tr(label));
      ImGui::TableNextColumn();
      value();
    };
    row(T::SyncName, [&] { ui::text(ctx, s.name); });
    row(T::SyncDeployment, [&] { deployment(ctx); });
    row(T::SyncFingerprint, [&] {
      ImGui::PushFont(ctx.largeFont);
      ui::text(ctx, s.fingerprint);
      ImGui::PopFont();
    });
    row(T::SyncPublicKey, [&] { ui::copyableText(ctx, "##key", s.publicKey, 440); });
    row(T::SyncAddresses, [&] {
      if (s.listenEndpoints.empty()) {
        ui::errorText(ctx, tr.format(T::SyncNotListening, ctx.listenAddress, tr.message(ctx.engineError)));
        // The default port is busy (another unionsync on this machine): any free port.
        if (ImGui::Button(tr(T::SyncRetryOtherPort))) retryOtherPort_ = true;
        return;
      }
      for (const std::string& ep : reachableEndpoints(s.listenEndpoints)) {
        ImGui::PushID(ep.c_str());
        ui::copyableText(ctx, "##ep", ep, 440);
        ImGui::PopID();
      }
    });
    if (s.discoveryPort != 0) row(T::SyncDiscovery, [&] { ui::text(ctx, tr.format(T::SyncDiscoveryOn, s.discoveryPort)); });
    ImGui::EndTable();
    if (std::exchange(retryOtherPort_, false)) ctx.startEngine("tcp://0.0.0.0:0");
  }

  void deployment(GuiContext& ctx) {
    const ScopeLine line = describeScope(ctx.node.federation().scope(), orgNamer(ctx.node), ctx.tr);
    ui::textWrappedColored(ctx, ui::toneColor(line.tone), line.text);
  }

  void peers(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    section(ctx, T::SyncTrusted);
    if (!ctx.sync || ctx.sync->peers.empty()) {
      ui::textMuted(ctx, tr(T::SyncNoTrusted));
      return;
    }
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                       ImGuiTableFlags_SizingStretchProp;
    const bool federated = anyFederatedPeer(*ctx.sync);
    if (!ImGui::BeginTable("##peers", federated ? 6 : 5, kFlags)) return;
    ImGui::TableSetupColumn(tr(T::SyncName), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn(tr(T::SyncFingerprint), ImGuiTableColumnFlags_WidthFixed, 200);
    ImGui::TableSetupColumn(tr(T::SyncAddress), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    if (federated) ImGui::TableSetupColumn(tr(T::SyncPeerCertificate), ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn(tr(T::SyncState), ImGuiTableColumnFlags_WidthStretch, 1.6f);
    // The buttons are never clipped (English labels are wider); the text columns share the rest.
    const float actions = std::max(smallButtonsWidth({tr(T::SyncConnect), tr(T::SyncRevoke)}),
                                   smallButtonsWidth({tr(T::SyncTrustAgain)}));
    ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthFixed, actions);
    ImGui::TableHeadersRow();
    for (const PeerStatus& p : ctx.sync->peers) {
      ImGui::PushID(p.publicKey.c_str());
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ui::text(ctx, p.name.empty() ? std::string("—") : p.name);
      ImGui::TableNextColumn();
      ui::text(ctx, twoLines(p.fingerprint));
      ImGui::TableNextColumn();
      ui::textWrapped(ctx, p.address.empty() ? std::string("—") : p.address);
      const PeerLine line = describePeer(p, tr);
      if (federated) {
        ImGui::TableNextColumn();
        ui::textColored(ctx, ui::toneColor(line.admissionTone), line.admission);
        if (!line.certificate.empty()) longLine(ctx, ui::mutedColor(), line.certificate);
      }
      ImGui::TableNextColumn();
      ui::textColored(ctx, ui::toneColor(line.tone), line.state);
      if (!line.detail.empty()) ui::textMuted(ctx, line.detail);
      if (!line.verified.empty()) ui::textColored(ctx, ui::toneColor(line.verifiedTone), line.verified);
      if (!line.refusals.empty()) {
        ui::textColored(ctx, ui::toneColor(Tone::Bad), line.refusals);
        longLine(ctx, ui::mutedColor(), line.refusalReason);
      }
      if (p.total.changesReceived + p.total.changesSent > 0)
        ui::textMuted(ctx, tr.format(T::SyncTraffic, p.total.changesSent, p.total.changesReceived));
      ImGui::TableNextColumn();
      if (p.state == PeerState::Revoked) {
        if (ImGui::SmallButton(tr(T::SyncTrustAgain))) trust(ctx, {p.publicKey, p.name, p.address});
      } else {
        if (!p.address.empty() && ImGui::SmallButton(tr(T::SyncConnect))) ctx.node.sync().connect(p.address, p.publicKey);
        ImGui::SameLine();
        if (ImGui::SmallButton(tr(T::SyncRevoke))) revoke(ctx, p.publicKey, p.name);
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  // Every certificate of the deployment this node holds (they replicate to all nodes), with
  // its validity now: it is for the one who grants them, so unfolded there and folded away
  // elsewhere.
  void heldCertificates(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    const auto held = ctx.node.federation().certificates();
    if (held.empty()) return;
    ImGui::Spacing();
    const std::string header = ctx.shown(tr.format(T::SyncCertificates, held.size())) + "###certs";
    const ImGuiTreeNodeFlags open =
        grantsCertificates(ctx.node.federation().scope()) ? ImGuiTreeNodeFlags_DefaultOpen : ImGuiTreeNodeFlags_None;
    if (!ImGui::CollapsingHeader(header.c_str(), open)) return;
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##certs", 5, kFlags)) return;
    for (T column : {T::SyncName, T::CertificateRole, T::CertificateScope, T::CertificateExpires, T::SyncState})
      ImGui::TableSetupColumn(tr(column), ImGuiTableColumnFlags_WidthStretch, column == T::SyncState ? 2.0f : 1.0f);
    ImGui::TableHeadersRow();
    const OrgNamer names = orgNamer(ctx.node);
    for (const auto& [certificate, problem] : held) {
      const HeldCertificateRow row = describeHeld(certificate, problem, names, tr);
      ImGui::TableNextRow();
      for (const std::string* cell : {&row.name, &row.role, &row.scope, &row.expires}) {
        ImGui::TableNextColumn();
        ui::text(ctx, *cell);
      }
      ImGui::TableNextColumn();
      longLine(ctx, ui::toneColor(row.valid ? Tone::Good : Tone::Bad), row.validity);
    }
    ImGui::EndTable();
  }

  void discovered(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    section(ctx, T::SyncDiscovered);
    // A computer stays "discovered" after it is trusted (its beacons keep coming): list it once,
    // under the paired computers.
    std::vector<const DiscoveredPeer*> found;
    if (ctx.sync)
      for (const DiscoveredPeer& d : ctx.sync->discovered)
        if (!ctx.sync->findPeer(d.publicKey)) found.push_back(&d);
    if (found.empty()) {
      ui::textMuted(ctx, tr(T::SyncNoneDiscovered));
      return;
    }
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##found", 4, kFlags)) return;
    ImGui::TableSetupColumn(tr(T::SyncName), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn(tr(T::SyncFingerprint), ImGuiTableColumnFlags_WidthFixed, 200);
    ImGui::TableSetupColumn(tr(T::SyncAddress), ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("##pair", ImGuiTableColumnFlags_WidthFixed, smallButtonsWidth({tr(T::SyncPair)}));
    ImGui::TableHeadersRow();
    for (const DiscoveredPeer* peer : found) {
      const DiscoveredPeer& d = *peer;
      ImGui::PushID(d.publicKey.c_str());
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ui::text(ctx, d.name.empty() ? std::string("—") : d.name);
      if (d.refused) ui::textMuted(ctx, tr(T::SyncTriedToConnect));
      ImGui::TableNextColumn();
      ui::text(ctx, twoLines(d.fingerprint));
      ImGui::TableNextColumn();
      ui::textWrapped(ctx, d.address);
      ImGui::TableNextColumn();
      if (ImGui::SmallButton(tr(T::SyncPair)) && !d.publicKey.empty()) {
        pairing_ = Pairing{d.publicKey, d.name, d.refused ? std::string() : d.address};
        openPairing_ = true;
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  void addByAddress(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    section(ctx, T::SyncAddByAddress);
    ui::textMuted(ctx, tr(T::SyncAddHint));
    constexpr float kLabel = 120;
    ImGui::AlignTextToFramePadding();
    ui::text(ctx, tr(T::SyncAddress));
    ImGui::SameLine(kLabel);
    ui::input(ctx, "##addr", manual_.address, "tcp://192.168.1.20:7400", 0, 440);
    ImGui::AlignTextToFramePadding();
    ui::text(ctx, tr(T::SyncPublicKey));
    ImGui::SameLine(kLabel);
    ui::input(ctx, "##key", manual_.key, tr(T::SyncKeyHint), 0, 440);
    ImGui::AlignTextToFramePadding();
    ui::text(ctx, tr(T::SyncName));
    ImGui::SameLine(kLabel);
    ui::input(ctx, "##name", manual_.name, tr(T::SyncNameHint), 0, 440);
    const bool keyValid = isValidPublicKey(manual_.key);
    const bool addressValid = manual_.address.starts_with("tcp://");
    if (!manual_.key.empty()) {
      if (keyValid) ui::text(ctx, tr.format(T::SyncTheirFingerprint, fingerprintOf(manual_.key)));
      else ui::errorText(ctx, tr(T::SyncKeyInvalid));
    }
    if (!manual_.address.empty() && !addressValid) ui::errorText(ctx, tr(T::SyncAddressInvalid));
    if (ui::primaryButton(tr(T::SyncCompareAndTrust), keyValid && addressValid)) {
      pairing_ = manual_;
      openPairing_ = true;
    }
  }

  // Both fingerprints side by side: the cadre compares them with the other office (on the
  // phone, or both screens side by side) before trusting.
  void pairingModal(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    ImGui::SetNextWindowSize({640, 0});
    const std::string title =
        ctx.shown(tr.format(T::SyncPairTitle, pairing_.name.empty() ? std::string("—") : pairing_.name)) + "###pair";
    if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_AlwaysAutoResize)) return;
    ui::textWrapped(ctx, tr(T::SyncPairExplain));
    ImGui::Spacing();
    ImGui::BeginGroup();
    ui::textMuted(ctx, tr(T::SyncPairMine));
    ImGui::PushFont(ctx.largeFont);
    ui::text(ctx, twoLines(ctx.sync ? ctx.sync->fingerprint : std::string("—")));
    ImGui::PopFont();
    ImGui::EndGroup();
    ImGui::SameLine(0, 40);
    ImGui::BeginGroup();
    ui::textMuted(ctx, tr(T::SyncPairTheirs));
    ImGui::PushFont(ctx.largeFont);
    ui::text(ctx, twoLines(fingerprintOf(pairing_.key)));
    ImGui::PopFont();
    ImGui::EndGroup();
    ImGui::Spacing();
    ui::input(ctx, "##pairname", pairing_.name, tr(T::SyncNameHint), 0, 400);
    ImGui::Spacing();
    if (ui::primaryButton(tr(T::SyncPairConfirm))) {
      trust(ctx, pairing_);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(tr(T::Cancel)) || ui::escapePressed()) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  // Trust store changes take a file lock that a CLI in another process may hold: worker.
  void trust(GuiContext& ctx, const Pairing& p) {
    ctx.tasks.run<Result<TrustedPeer>>(
        [&sync = ctx.node.sync(), p] { return sync.trust(p.key, p.name, p.address); },
        [this, &ctx, p](Result<TrustedPeer> peer) {
          if (!peer) {
            ctx.notify(ctx.tr.message(peer.error().message), true);
            return;
          }
          manual_ = {};
          ctx.notify(ctx.tr.format(T::SyncTrustDone, peer->name.empty() ? fingerprintOf(peer->publicKey) : peer->name));
        });
  }

  void revoke(GuiContext& ctx, const std::string& key, const std::string& name) {
    ctx.tasks.run<Result<TrustedPeer>>(
        [&sync = ctx.node.sync(), key] { return sync.revoke(key); },
        [&ctx, name](Result<TrustedPeer> peer) {
          if (!peer) {
            ctx.notify(ctx.tr.message(peer.error().message), true);
            return;
          }
          ctx.notify(ctx.tr.format(T::SyncRevoked, name));
        });
  }

  void log(GuiContext& ctx) {
    section(ctx, T::SyncLog);
    const auto lines = ctx.engineLog->lines();
    if (lines.empty()) {
      ui::textMuted(ctx, ctx.tr(T::SyncLogEmpty));
      return;
    }
    ImGui::BeginChild("##log", {0, 160}, true);
    for (const std::string& line : lines) ui::textMuted(ctx, line);
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
  }

  Pairing pairing_;
  bool openPairing_ = false;
  Pairing manual_;
  bool retryOtherPort_ = false;
};

}  // namespace

std::unique_ptr<View> makeSyncView() { return std::make_unique<SyncView>(); }

}  // namespace unionsync::gui
