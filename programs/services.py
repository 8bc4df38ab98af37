from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import User

from .models import Program


@transaction.atomic
def program_create(*, data: dict, coordinators: list[User], created_by: User) -> Program:
    program = Program(**data)
    program.full_clean()
    program.save()
    # The creator always coordinates what they create.
    program.coordinators.set({created_by, *coordinators})
    return program


@transaction.atomic
def program_update(*, program: Program, data: dict, coordinators: list[User], by: User) -> Program:
    for field, value in data.items():
        setattr(program, field, value)
    program.full_clean()
    program.save()
    program.coordinators.set({by, *coordinators})
    return program


@transaction.atomic
def program_change_status(*, program: Program, new_status: str, by: User) -> Program:
    # Lock the row so two coordinators clicking at once can't skip a step.
    locked = Program.objects.select_for_update().get(pk=program.pk)
    locked.check_transition(new_status)
    updated = Program.objects.filter(pk=locked.pk, status=locked.status).update(status=new_status)
    if not updated:
        raise ValidationError("The program changed meanwhile; reload and try again.")
    locked.refresh_from_db()
    return locked
