// Federation commands: grant, revoke-grant, scope (DESIGN.md "Federation").
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli/cli_commands.h"
#include "app/federation/federation.h"
#include "app/node.h"
#include "app/sync/sync_service.h"

namespace unionsync {
namespace {

struct GrantOptions {
  std::string code;
  std::string scope;
  std::string role = "office";
  std::string name;
  std::string address;
  bool delegate = false;
  int days = 365;
  std::string keyOrName;
};

std::string scopeName(Node& node, const Scope& scope) {
  if (scope.org.isZero()) return "全部组织 / the whole tree";
  auto org = node.get(Kind::Organization, scope.org);
  return org ? std::string(org->get("name")) : scope.org.hex();
}

int runGrant(CliContext& ctx, const GrantOptions& o) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  if (o.role != "office" && o.role != "capture")
    return reportFailure(fmt::format("--role 应为 office 或 capture，收到「{}」/ --role must be office or capture, got '{}'",
                                     o.role, o.role));
  auto scope = (*node)->resolve(Kind::Organization, o.scope);
  if (!scope) return reportFailure(scope.error());
  GrantRequest request{o.code, *scope, o.role == "capture" ? CertificateRole::Capture : CertificateRole::Office,
                       o.delegate, o.days, o.name, o.address};
  auto issued = (*node)->federation().grant(request);
  if (!issued) return reportFailure(issued.error());
  if (!o.address.empty()) {
    auto trusted = (*node)->sync().trust(issued->curveKey, o.name, o.address);
    if (!trusted) return reportFailure(trusted.error());
  }
  auto own = (*node)->sync().ownKey();
  if (!own) return reportFailure(own.error());
  if (ctx.json) {
    std::cout << nlohmann::json{{"certificate", issued->certificateId.hex()},
                                {"becameRoot", issued->becameRoot},
                                {"expires", dateOf(issued->certificate.expiresMs)},
                                {"peerKey", issued->curveKey},
                                {"issuerKey", own->publicKey}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << issued->certificateId.hex() << "\n";
  if (issued->becameRoot)
    std::cout << "本节点成为部署的根节点（总工会）/ this node is now the root of its deployment (headquarters)\n";
  std::cout << fmt::format("已授权 {} {} 范围「{}」，有效至 {} / granted {} for '{}' until {}\n", o.name.empty() ? "节点" : o.name,
                           o.role, scopeName(**node, Scope{*scope, request.role}), dateOf(issued->certificate.expiresMs),
                           o.role, scopeName(**node, Scope{*scope, request.role}), dateOf(issued->certificate.expiresMs))
            << "对方首次与本节点同步时收到证书；对方需先信任本节点 / the node receives the certificate at its first sync "
               "with this node; it must trust this node first:\n"
            << fmt::format("  unionsync peer trust {} --address tcp://本节点地址:7400\n", own->publicKey);
  return 0;
}

int runRevokeGrant(CliContext& ctx, const GrantOptions& o) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  auto revoked = (*node)->federation().revokeGrant(o.keyOrName);
  if (!revoked) return reportFailure(revoked.error());
  for (const RecordId& id : *revoked) std::cout << id.hex() << "\n";
  std::cout << "已吊销；吊销记录会同步到所有节点，该节点将被拒绝 / revoked: the revocation reaches every node, "
               "which then refuse that node\n";
  return 0;
}

nlohmann::json grantJson(Node& node, const ValidGrant& grant) {
  const Certificate& c = grant.held.certificate;
  return {{"scope", grant.scope.org.isZero() ? std::string() : grant.scope.org.hex()},
          {"scopeName", scopeName(node, grant.scope)},
          {"role", std::string(certificateRoleName(grant.scope.role))},
          {"root", grant.isRoot},
          {"delegate", c.mayDelegate},
          {"issuer", hexOfKey(c.issuerSigningKey)},
          {"issued", dateOf(c.issuedMs)},
          {"expires", dateOf(c.expiresMs)},
          {"chain", grant.chain.size()}};
}

int runScope(CliContext& ctx) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  const ScopeInfo info = (*node)->federation().scope();
  nlohmann::json certificates = nlohmann::json::array();
  for (const auto& [held, problem] : (*node)->federation().certificates())
    certificates.push_back({{"id", held.recordId.hex()},
                            {"name", held.name},
                            {"subject", hexOfKey(held.certificate.subjectSigningKey)},
                            {"role", std::string(certificateRoleName(held.certificate.role))},
                            {"expires", dateOf(held.certificate.expiresMs)},
                            {"valid", problem.empty()},
                            {"problem", problem}});
  if (ctx.json) {
    nlohmann::json out{{"inDeployment", info.inDeployment}, {"root", info.rootKey}, {"problem", info.problem},
                       {"certificates", certificates}};
    out["grant"] = info.grant ? grantJson(**node, *info.grant) : nlohmann::json(nullptr);
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (!info.inDeployment) {
    std::cout << "none：本节点不属于任何部署（只与手动配对的节点同步）/ none: this node is in no deployment (it syncs "
                 "with peers paired by hand)\n";
    return 0;
  }
  if (!info.grant) {
    std::cout << "本节点没有有效的证书 / this node holds no valid certificate: " << info.problem << "\n";
  } else {
    const ValidGrant& g = *info.grant;
    std::cout << fmt::format("范围 scope: {}\n角色 role: {}{}{}\n签发者 issuer: {}\n有效至 expires: {}\n",
                             scopeName(**node, g.scope), certificateRoleName(g.scope.role),
                             g.isRoot ? "（根节点 / root）" : "",
                             g.held.certificate.mayDelegate ? "，可授权 / may delegate" : "",
                             hexOfKey(g.held.certificate.issuerSigningKey), dateOf(g.held.certificate.expiresMs));
  }
  std::cout << fmt::format("根节点 root: {}\n证书 certificates: {}\n", info.rootKey, certificates.size());
  for (const auto& c : certificates)
    std::cout << fmt::format("  {} {} {} {}\n", c["name"].get<std::string>().empty() ? c["subject"].get<std::string>().substr(0, 16)
                                                                                     : c["name"].get<std::string>(),
                             c["role"].get<std::string>(), c["expires"].get<std::string>(),
                             c["valid"].get<bool>() ? "有效 / valid" : c["problem"].get<std::string>());
  return 0;
}

}  // namespace

void registerFederationCommands(CLI::App& root, CliContext& ctx) {
  auto o = std::make_shared<GrantOptions>();
  auto* grant = root.add_subcommand("grant", "授权一个节点管理某组织及其下级（打印证书编号）/ certify a node for an "
                                             "organization's subtree (prints the certificate's id)");
  grant->add_option("CODE", o->code, "对方 peer key 显示的节点码 usn1-… / the node code its `peer key` shows")->required();
  grant->add_option("--scope", o->scope, "组织名称或编号 / organization name or id")->required();
  grant->add_option("--role", o->role, "office（办公室，读写本范围）或 capture（外展采集）/ office or capture");
  grant->add_option("--name", o->name, "节点名称 / the node's name");
  grant->add_option("--address", o->address, "对方地址，本节点会连接它 / its address tcp://HOST:PORT (this node dials it)");
  grant->add_flag("--delegate", o->delegate, "允许它再授权下级节点 / allow it to certify nodes below it");
  grant->add_option("--days", o->days, "有效天数（默认 365）/ days valid (default 365)");
  addJsonFlag(grant, ctx);
  grant->callback([&ctx, o] { ctx.run = [&ctx, o] { return runGrant(ctx, *o); }; });

  auto* revoke = root.add_subcommand("revoke-grant", "吊销一个节点的证书（同步到所有节点）/ revoke a node's certificate (replicates)");
  revoke->add_option("KEY_OR_NAME", o->keyOrName, "签名公钥、节点码或授权时的名称 / signing key, node code or name")->required();
  revoke->callback([&ctx, o] { ctx.run = [&ctx, o] { return runRevokeGrant(ctx, *o); }; });

  auto* scope = root.add_subcommand("scope", "本节点的证书：范围、角色、签发者、有效期 / this node's certificate");
  addJsonFlag(scope, ctx);
  scope->callback([&ctx] { ctx.run = [&ctx] { return runScope(ctx); }; });
}

}  // namespace unionsync
