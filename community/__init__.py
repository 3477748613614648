"""The community service: circles, posts, products, members and their pages and API."""


def create_app(test_config=None):
    from community.app import create_app as factory
    return factory(test_config)
