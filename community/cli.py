"""Flask CLI commands of the community service: seed and order import."""
import csv
import sys
from collections import OrderedDict

import click
from flask.cli import AppGroup

from community.errors import ValidationFailed

orders_cli = AppGroup("orders", help="Orders fed from the shop.")


@orders_cli.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_csv(csv_file):
    """Import orders from a CSV with columns order_no,buyer,status,sku,quantity[,ordered_at].

    One line per order item; lines with the same order_no form one order. All or nothing.
    """
    from community.services import orders

    reader = csv.DictReader(csv_file)
    needed = {"order_no", "buyer", "status", "sku"}
    if not reader.fieldnames or not needed <= set(reader.fieldnames):
        raise click.UsageError(f"CSV header must contain {', '.join(sorted(needed))}")
    grouped = OrderedDict()
    for line_no, line in enumerate(reader, start=2):
        try:
            quantity = int(line.get("quantity") or 1)
        except ValueError:
            raise click.ClickException(f"line {line_no}: quantity must be an integer")
        row = grouped.setdefault(line["order_no"], {
            "order_no": line["order_no"], "buyer": line["buyer"], "status": line["status"],
            "ordered_at": line.get("ordered_at") or None, "items": []})
        row["items"].append({"sku": line["sku"], "quantity": quantity})
    try:
        counts = orders.import_orders(None, list(grouped.values()))
    except ValidationFailed as exc:
        click.echo(f"导入失败：{exc.message}", err=True)
        for index, errs in exc.details.get("rows", {}).items():
            order_no = list(grouped)[int(index)]
            click.echo(f"  order {order_no}: {'; '.join(errs)}", err=True)
        sys.exit(1)
    click.echo(f"created={counts['created']} updated={counts['updated']} unchanged={counts['unchanged']}")


@click.command("seed")
@click.option("--members", default=300, show_default=True, help="How many demo members.")
def seed_command(members):
    """Create demo circles, members, creators, brands, products, orders, posts and comments."""
    from community.demo.seed import seed

    summary = seed(member_count=members)
    click.echo("seeded: " + ", ".join(f"{k}={v}" for k, v in summary.items()))


def register_cli(app):
    app.cli.add_command(orders_cli)
    app.cli.add_command(seed_command)
