// The application's FederationPolicy (sync/peer_rules.h): admission by certificate and the
// rules of one session, from the federation's current snapshot and the scope rules
// (scope_rules.h). docs/SYNC.md "Federation" states the rules; this is where they run.
#pragma once

#include <functional>
#include <memory>

#include "app/federation/federation_state.h"
#include "sync/peer_rules.h"

namespace unionsync {

using FederationStateSource = std::function<std::shared_ptr<const FederationState>()>;

// `store` must outlive the policy; `state` is called on the engine thread.
// `rights` is this node's (federation.h), whose departures flag the hand-off reads and clears.
std::shared_ptr<FederationPolicy> makeFederationPolicy(Store& store, FederationStateSource state,
                                                       std::shared_ptr<OwnRights> rights);

}  // namespace unionsync
