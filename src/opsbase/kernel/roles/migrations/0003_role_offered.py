from django.db import migrations, models


def offered_so_far(apps, schema_editor):
    """Built-in roles that exist before this migration count every default declared now as
    offered: an organization that removed one from its Manager keeps it removed. Defaults
    declared from now on (a module installed later) are added once by ``post_migrate``."""
    from opsbase.kernel.policy import policy

    Role = apps.get_model("roles", "Role")
    for role in Role.objects.using(schema_editor.connection.alias).filter(is_builtin=True):
        role.offered = sorted(set(policy.default_permissions(role.kind)) | set(role.permissions))
        role.save(update_fields=["offered"])


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="role",
            name="offered",
            field=models.JSONField(default=list, editable=False, verbose_name="permissions offered"),
        ),
        migrations.RunPython(offered_so_far, migrations.RunPython.noop),
    ]
