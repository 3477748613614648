"""``flask moderation ...``: train, ensure-model, evaluate, classify, export-decisions.

The lead registers ``moderation_cli`` in the app factory (``app.cli.add_command(moderation_cli)``).
Settings come from the app config or the environment: ``MODERATION_MODEL_DIR`` (model store),
``MODERATION_DATA_DIR`` (../shared/data), ``MODERATION_PROJECT_DATA`` (project-written set).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

moderation_cli = AppGroup("moderation", help="内容审核模型：训练、评估与批量分类。")


def _config():
    return current_app.config


@moderation_cli.command("train")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Shared public data (default MODERATION_DATA_DIR or <repo>/../shared/data).")
@click.option("--project-data", type=click.Path(path_type=Path), default=None, help="Project-written JSONL set.")
@click.option("--extra-data", "extra_data", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="More labelled JSONL in the project set's format (repeatable), e.g. from export-decisions.")
@click.option("--no-shared", is_flag=True, help="Train on the project-written set alone.")
@click.option("--source", "sources", multiple=True, help="Shared sources to use (repeatable; default all).")
@click.option("--fast-only", is_flag=True, help="Train the fast model only, no transformer.")
@click.option("--base-model", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Local checkpoint to fine-tune; without it a small BERT is trained from scratch.")
@click.option("--transformer-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Use a transformer trained elsewhere (python -m moderation.train_transformer).")
@click.option("--epochs", type=float, default=1.0, show_default=True, help="Transformer epochs.")
@click.option("--max-minutes", type=float, default=None, help="Stop transformer training after this long.")
@click.option("--target-precision", type=float, default=0.9, show_default=True, help="Review-band precision target.")
@click.option("--promote", type=click.Choice(["auto", "force", "never"]), default="auto", show_default=True)
@click.option("--progress/--no-progress", default=True, show_default=True)
def train_command(data_dir, project_data, extra_data, no_shared, sources, fast_only, base_model, transformer_dir, epochs,
                  max_minutes, target_precision, promote, progress):
    """训练快速模型（和 transformer 模型），写入带版本的模型目录；更优时才上线。"""
    from moderation.config import data_dir as default_data_dir
    from moderation.config import model_root, project_labelled_path
    from moderation.evaluation import format_table
    from moderation.models.transformer import TransformerSettings
    from moderation.training import TrainingError, TrainOptions, shared_data_available, train

    config = _config()
    data_dir = None if no_shared else (data_dir or default_data_dir(config))
    if data_dir is not None and not shared_data_available(data_dir):
        click.echo(f"未找到共享数据 {data_dir}，仅使用项目自编数据集。", err=True)
        data_dir = None
    options = TrainOptions(
        data_dir=data_dir,
        project_path=project_data or project_labelled_path(config),
        extra_paths=list(extra_data),
        sources=list(sources) or None,
        fast_only=fast_only,
        transformer=TransformerSettings(epochs=epochs, max_minutes=max_minutes),
        base_model=base_model,
        transformer_dir=transformer_dir,
        target_review=target_precision,
        promote=promote,
        progress=progress,
    )
    started = time.monotonic()
    try:
        report = train(options, model_root(config))
    except TrainingError as error:
        raise click.ClickException(str(error)) from error
    click.echo(format_table(report.metrics))
    click.echo(f"版本 {report.version} 已写入 {report.path}（{time.monotonic() - started:.0f} 秒）")
    click.echo(("已上线：" if report.promoted else "未上线：") + report.reason)


@moderation_cli.command("export-decisions")
@click.argument("output_file", type=click.File("w", encoding="utf-8", lazy=False))
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only subjects last decided on or after this day (UTC).")
def export_decisions_command(output_file, since):
    """把审核员的处理结果导出为训练样本（JSONL，格式同项目自编数据集），供 train --extra-data 使用。"""
    from datetime import timezone

    from moderation.export import export_decisions

    count = export_decisions(output_file, since.replace(tzinfo=timezone.utc) if since else None)
    click.echo(f"已导出 {count} 条处理结果为训练样本", err=True)


@moderation_cli.command("ensure-model")
@click.option("--with-shared", is_flag=True, help="Also use ../shared/data when present (slower).")
def ensure_model_command(with_shared):
    """没有可用模型时，用项目自编数据快速训练一个快速模型（一分钟内）。"""
    from moderation import registry
    from moderation.config import data_dir, model_root, project_labelled_path
    from moderation.training import TrainingError, TrainOptions, shared_data_available, train

    config = _config()
    root = model_root(config)
    try:
        bundle = registry.load_current(root)
    except registry.ModelStoreError as error:
        click.echo(f"当前模型不可用（{error}），重新训练。", err=True)
        bundle = None
    if bundle is not None:
        click.echo(f"模型已就绪：{bundle.version}")
        return
    shared = data_dir(config) if with_shared and shared_data_available(data_dir(config)) else None
    options = TrainOptions(data_dir=shared, project_path=project_labelled_path(config), fast_only=True,
                           promote="auto", progress=False)
    started = time.monotonic()
    try:
        report = train(options, root)
    except TrainingError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"已训练并上线快速模型 {report.version}（{time.monotonic() - started:.1f} 秒）")


@moderation_cli.command("evaluate")
@click.option("--version", "version", default=None, help="Model version (default: the promoted one).")
@click.option("--engine", "engines", multiple=True, type=click.Choice(["fast", "transformer", "ensemble"]),
              help="Engines to evaluate (default: all the version has).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def evaluate_command(version, engines, data_dir, as_json):
    """在冻结测试集上评估：各标签精确率、召回率、F1、支持数，宏 F1，投诉类别与严重度混淆矩阵。"""
    from moderation import registry
    from moderation.config import data_dir as default_data_dir
    from moderation.config import model_root, project_labelled_path
    from moderation.datasets.splits import frozen_test_ids
    from moderation.evaluation import format_table
    from moderation.training import TrainingError, TrainOptions, evaluate_bundle, load_examples

    config = _config()
    root = model_root(config)
    version = version or registry.current_version(root)
    if version is None:
        raise click.ClickException("没有已上线的模型：先运行 flask moderation train 或 ensure-model")
    try:
        bundle = registry.load_version(registry.versions_dir(root) / version)
    except registry.ModelStoreError as error:
        raise click.ClickException(str(error)) from error
    shared = bundle.manifest.get("data", {}).get("shared")
    options = TrainOptions(
        data_dir=(data_dir or default_data_dir(config)) if shared else None,
        project_path=project_labelled_path(config),
        sources=shared["sources"] if shared else None,
    )
    try:
        examples, _ = load_examples(options)
    except TrainingError as error:
        raise click.ClickException(str(error)) from error
    _, test_hash = frozen_test_ids(examples)
    test = [e for e in examples if e.split == "test"]
    report = evaluate_bundle(bundle, test, list(engines) or None)
    report["model_version"] = version
    report["frozen_test"] = {"count": len(test), "sha256": test_hash,
                             "matches_manifest": test_hash == bundle.manifest.get("frozen_test", {}).get("sha256")}
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    click.echo(f"模型版本 {version}；冻结测试集 {len(test)} 条")
    if not report["frozen_test"]["matches_manifest"]:
        click.echo("注意：数据已变化，测试集与训练时记录的不同。", err=True)
    click.echo(format_table(report))


@moderation_cli.command("classify")
@click.argument("input_file", type=click.File("r", encoding="utf-8"))
@click.argument("output_file", type=click.File("w", encoding="utf-8"))
@click.option("--batch-size", type=int, default=256, show_default=True)
def classify_command(input_file, output_file, batch_size):
    """读取每行含 text 字段的 JSONL，写出同样的行并加上 scores、labels、decision、complaint。"""
    from moderation.cascade import get_cascade

    cascade = get_cascade(_config())
    batch: list[dict] = []
    count = 0

    def flush() -> None:
        contexts = [row.get("context") if isinstance(row.get("context"), dict) else None for row in batch]
        verdicts = cascade.classify([row["text"] for row in batch], contexts if any(contexts) else None)
        for row, verdict in zip(batch, verdicts):
            row.update(scores=verdict.scores, labels=verdict.labels, decision=verdict.decision,
                       complaint=verdict.complaint)
            output_file.write(json.dumps(row, ensure_ascii=False) + "\n")
        batch.clear()

    for number, line in enumerate(input_file, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise click.ClickException(f"第 {number} 行不是合法的 JSON：{error}") from error
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise click.ClickException(f"第 {number} 行缺少字符串字段 text")
        batch.append(row)
        count += 1
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    click.echo(f"已分类 {count} 条（模型 {cascade.version}，引擎 {cascade.engine}）", err=True)
