"""How every request meets the app, whichever app serves it: the HTTP edge shared by all apps.

Belongs here: policy that applies to every request or every API call and to no one app: the
API's exception handler, permission class, pagination, throttles and body limits (api.py), the
schema's shared error answers (api_schema.py), `Cache-Control` on API answers
(cache_control.py), the health check and the 503 of a lost database (health.py), the request and
security logs and the client address they and the lock-outs key on (request_log.py,
log_filters.py), and the URLs of these views (urls.py).

Does not belong here: anything about athletes, sessions or plans (models, rules, a page, an
endpoint), settings (config/), or helpers merely shared by two apps. In the layers
(pyproject.toml's [tool.importlinter], README "Architecture") web sits above access and below
the pages and the API: it may ask who a user is (athletes.access) and map the services'
errors, and an endpoint may use its policy, never the other way round."""
