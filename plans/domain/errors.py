"""The exceptions services raise for a request that cannot proceed. Views and the API map them
to HTTP in one place each: ServiceError to 400, Conflict to 409. Here, in the pure bottom
layer, because every layer above raises or maps them (the sessions' services as well as the
plans')."""


class ServiceError(ValueError):
    """A request the app cannot carry out; the message says why, for the user."""


class Conflict(ServiceError):
    """The request is fine but the data's state forbids it now (a done session's sets)."""
