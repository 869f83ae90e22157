from tests.funds.conftest import project_factory  # noqa: F401 - fixture shared with the funds tests
