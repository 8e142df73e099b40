"""The exceptions services raise for a request that cannot proceed. Views and the API map them
to HTTP in one place each: ServiceError to 400, Conflict to 409."""


class ServiceError(ValueError):
    """A request the app cannot carry out; the message says why, for the user."""


class Conflict(ServiceError):
    """The request is fine but the data's state forbids it now (a done session's sets)."""
