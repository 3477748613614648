"""The shop's CSV order import: grouped by order, all or nothing, status changes reach posts."""
from sqlalchemy import select

from community.extensions import db
from community.models import Order


def _csv(tmp_path, text):
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_csv_import_groups_lines_into_orders_and_is_repeatable(app, world, tmp_path):
    buyer = world.author.username
    path = _csv(tmp_path, "order_no,buyer,status,sku,quantity\n"
                          f"JD-CSV-1,{buyer},delivered,100012043978,1\n"
                          f"JD-CSV-1,{buyer},delivered,100012043979,2\n"
                          f"JD-CSV-2,{buyer},paid,100055501234,1\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["orders", "import", path])
    assert result.exit_code == 0, result.output
    assert "created=2 updated=0 unchanged=0" in result.output
    again = runner.invoke(args=["orders", "import", path])
    assert "created=0 updated=0 unchanged=2" in again.output
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.order_no == "JD-CSV-1"))
        assert sorted(i.quantity for i in order.items) == [1, 2]


def test_csv_with_a_bad_row_imports_nothing_and_says_why(app, world, tmp_path):
    path = _csv(tmp_path, "order_no,buyer,status,sku\n"
                          f"JD-CSV-3,{world.author.username},delivered,100012043978\n"
                          "JD-CSV-4,ghost_buyer,shipped,000\n")
    result = app.test_cli_runner().invoke(args=["orders", "import", path])
    assert result.exit_code == 1
    assert "JD-CSV-4" in result.output and "ghost_buyer" in result.output
    with app.app_context():
        assert db.session.scalar(select(Order).where(Order.order_no == "JD-CSV-3")) is None


def test_csv_without_the_needed_columns_is_a_usage_error(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["orders", "import", _csv(tmp_path, "a,b\n1,2\n")])
    assert result.exit_code == 2 and "order_no" in result.output
