import pytest

import sgym


@pytest.fixture(params=sgym.env_ids())
def env_id(request):
    return request.param
