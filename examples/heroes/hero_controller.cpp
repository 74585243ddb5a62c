// Implementation of the demo's HeroController.
#include "hero_controller.hpp"

#include "conduit/http/http_error.hpp"
#include "conduit/http/json.hpp"

namespace heroes {

namespace {
void validate(const HeroInput& input) {
  if (input.name.empty() || input.name.size() > 100) {
    throw conduit::HttpError(400, "name must be 1 to 100 characters");
  }
}
}  // namespace

HeroController::HeroController(std::shared_ptr<HeroStore> store) : store_(std::move(store)) {
  get<&HeroController::list>();
  get<&HeroController::get_one>();
  post<&HeroController::create>();
  put<&HeroController::update>();
  operation<&HeroController::remove>("DELETE");
}

conduit::Task<conduit::Response> HeroController::list(
    conduit::Query<"name", std::optional<std::string>> name) {
  boost::json::array out;
  for (const auto& [id, hero] : store_->heroes) {
    if (name.value && hero.name.find(*name.value) == std::string::npos) continue;
    out.push_back(conduit::to_json(hero));
  }
  co_return conduit::Response::ok(out);
}

conduit::Task<conduit::Response> HeroController::get_one(conduit::Path<"id", std::int64_t> id) {
  auto it = store_->heroes.find(*id);
  if (it == store_->heroes.end()) co_return conduit::Response::error(404, "hero not found");
  co_return conduit::Response::ok(conduit::to_json(it->second));
}

// 201 with Location rather than Conduit's 200: the client learns where the new hero lives.
conduit::Task<conduit::Response> HeroController::create(conduit::Body<HeroInput> body) {
  validate(*body);
  Hero hero{store_->next_id++, body->name};
  store_->heroes[hero.id] = hero;
  co_return conduit::Response::created("/heroes/" + std::to_string(hero.id),
                                       conduit::to_json(hero));
}

conduit::Task<conduit::Response> HeroController::update(conduit::Path<"id", std::int64_t> id,
                                                        conduit::Body<HeroInput> body) {
  validate(*body);
  auto it = store_->heroes.find(*id);
  if (it == store_->heroes.end()) co_return conduit::Response::error(404, "hero not found");
  it->second.name = body->name;
  co_return conduit::Response::ok(conduit::to_json(it->second));
}

conduit::Task<conduit::Response> HeroController::remove(conduit::Path<"id", std::int64_t> id) {
  if (store_->heroes.erase(*id) == 0) co_return conduit::Response::error(404, "hero not found");
  co_return conduit::Response::no_content();
}

}  // namespace heroes
