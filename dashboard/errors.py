"""The one exception type a person reads: pages show it with st.error, never as a traceback."""


class DashboardError(Exception):
    """An error whose message is a full sentence meant for the person using the dashboard."""


class RegistryUnavailable(DashboardError):
    """The MLflow registry cannot be reached or answered with an error."""


class NotFound(DashboardError):
    """A model, version or run named by the user does not exist."""


class ConfigurationError(DashboardError):
    """An environment variable or file the dashboard reads at start is wrong."""
