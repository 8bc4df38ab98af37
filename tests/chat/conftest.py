import pytest

from chat.models import ChatPreference, Delivery

from .servers import TOKEN, FakeSlack, FakeTeams


@pytest.fixture
def slack(settings):
    server = FakeSlack().start()
    settings.SLACK_BOT_TOKEN = TOKEN
    settings.SLACK_API_URL = server.api_url
    settings.CHAT_RETRY_SECONDS = 30
    yield server
    server.stop()


@pytest.fixture
def teams():
    server = FakeTeams().start()
    yield server
    server.stop()


@pytest.fixture
def prefer(db):
    def set_(user, delivery: str = Delivery.BOTH) -> None:
        ChatPreference.objects.update_or_create(user=user, defaults={"delivery": delivery})

    return set_
