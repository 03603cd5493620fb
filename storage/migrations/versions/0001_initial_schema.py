"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 22:56:04.536889
"""

from alembic import op
import sqlalchemy as sa

import storage.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('email', sa.String(), nullable=True),
    sa.Column('password_hash', sa.String(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('login', name=op.f('uq_app_user_login'))
    )
    op.create_table('audit_head',
    sa.Column('chain', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('chain', name=op.f('pk_audit_head'))
    )
    op.create_table('city',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('ags', sa.String(length=8), nullable=False),
    sa.Column('leitweg_id', sa.String(length=50), nullable=False),
    sa.Column('leitweg_coarse', sa.String(length=12), nullable=False),
    sa.Column('same_person_factual_and_arithmetic_allowed', sa.Boolean(), nullable=False),
    sa.Column('reminder_days', sa.Integer(), nullable=False),
    sa.Column('escalation_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_city')),
    sa.UniqueConstraint('key', name=op.f('uq_city_key')),
    sa.UniqueConstraint('leitweg_id', name=op.f('uq_city_leitweg_id'))
    )
    op.create_index(op.f('ix_city_leitweg_coarse'), 'city', ['leitweg_coarse'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('filename', sa.String(), nullable=True),
    sa.Column('storage_key', sa.String(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('retain_until', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('sha256', name=op.f('uq_document_sha256'))
    )
    op.create_table('supplier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('vat_id', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier')),
    sa.UniqueConstraint('key', name=op.f('uq_supplier_key'))
    )
    op.create_index(op.f('ix_supplier_vat_id'), 'supplier', ['vat_id'], unique=False)

    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('leitweg_id', sa.String(length=50), nullable=False),
    sa.Column('head_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_department_city_id_city')),
    sa.ForeignKeyConstraint(['head_user_id'], ['app_user.id'], name=op.f('fk_department_head_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('city_id', 'key', name=op.f('uq_department_city_id_key')),
    sa.UniqueConstraint('leitweg_id', name=op.f('uq_department_leitweg_id'))
    )
    op.create_index(op.f('ix_department_city_id'), 'department', ['city_id'], unique=False)

    op.create_table('export_setting',
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=40), nullable=False),
    sa.Column('outbox', sa.String(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_export_setting_city_id_city')),
    sa.PrimaryKeyConstraint('city_id', name=op.f('pk_export_setting'))
    )
    op.create_table('substitute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['substitute_id'], ['app_user.id'], name=op.f('fk_substitute_substitute_id_app_user')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_substitute_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_substitute')),
    sa.UniqueConstraint('user_id', 'substitute_id', 'valid_from', name=op.f('uq_substitute_user_id_substitute_id_valid_from'))
    )
    op.create_index(op.f('ix_substitute_substitute_id'), 'substitute', ['substitute_id'], unique=False)
    op.create_index(op.f('ix_substitute_user_id'), 'substitute', ['user_id'], unique=False)

    op.create_table('supplier_creditor',
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('creditor_number', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_supplier_creditor_city_id_city')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_supplier_creditor_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('supplier_id', 'city_id', name=op.f('pk_supplier_creditor'))
    )
    op.create_table('supplier_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_supplier_token_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_token')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_supplier_token_token_sha256'))
    )
    op.create_index(op.f('ix_supplier_token_supplier_id'), 'supplier_token', ['supplier_id'], unique=False)

    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('city_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('syntax', sa.String(length=20), nullable=True),
    sa.Column('profile', sa.String(), nullable=True),
    sa.Column('type_code', sa.String(length=5), nullable=True),
    sa.Column('number', sa.String(), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('seller_name', sa.String(), nullable=True),
    sa.Column('seller_vat_id', sa.String(length=32), nullable=True),
    sa.Column('buyer_reference', sa.String(length=60), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('net_total', storage.types.Money(), nullable=True),
    sa.Column('tax_total', storage.types.Money(), nullable=True),
    sa.Column('gross_total', storage.types.Money(), nullable=True),
    sa.Column('amount_due', storage.types.Money(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('skonto_date', sa.Date(), nullable=True),
    sa.Column('skonto_amount', storage.types.Money(), nullable=True),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=True),
    sa.Column('validation_report', sa.JSON(), nullable=True),
    sa.Column('rejection_reason', sa.String(), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('creditor_number', sa.String(length=32), nullable=True),
    sa.Column('account_assignment', sa.JSON(), nullable=True),
    sa.Column('approval', sa.JSON(), nullable=True),
    sa.Column('workflow_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_invoice_city_id_city')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_invoice_department_id_department')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_invoice_document_id_document')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['invoice.id'], name=op.f('fk_invoice_duplicate_of_id_invoice')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_invoice_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice')),
    sa.UniqueConstraint('document_id', name=op.f('uq_invoice_document_id'))
    )
    op.create_index(op.f('ix_invoice_buyer_reference'), 'invoice', ['buyer_reference'], unique=False)
    op.create_index('ix_invoice_city_status', 'invoice', ['city_id', 'status'], unique=False)
    op.create_index(op.f('ix_invoice_department_id'), 'invoice', ['department_id'], unique=False)
    op.create_index('ix_invoice_seller_number', 'invoice', ['seller_vat_id', 'number'], unique=False)
    op.create_index(op.f('ix_invoice_status'), 'invoice', ['status'], unique=False)
    op.create_index('ix_invoice_supplier_number', 'invoice', ['supplier_id', 'number'], unique=False)

    op.create_table('user_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_user_group_city_id_city')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_user_group_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_group')),
    sa.UniqueConstraint('city_id', 'key', name=op.f('uq_user_group_city_id_key'))
    )
    op.create_index(op.f('ix_user_group_city_id'), 'user_group', ['city_id'], unique=False)

    op.create_table('user_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('department_key', sa.String(length=64), nullable=False),
    sa.Column('approval_limit', storage.types.Money(), nullable=True),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_user_role_city_id_city')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_user_role_department_id_department')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_role_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_role')),
    sa.UniqueConstraint('user_id', 'city_id', 'role', 'department_key', name=op.f('uq_user_role_user_id_city_id_role_department_key'))
    )
    op.create_index(op.f('ix_user_role_city_id'), 'user_role', ['city_id'], unique=False)
    op.create_index(op.f('ix_user_role_user_id'), 'user_role', ['user_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain', sa.String(length=40), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_audit_event_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('chain', 'seq', name=op.f('uq_audit_event_chain_seq'))
    )
    op.create_index(op.f('ix_audit_event_invoice_id'), 'audit_event', ['invoice_id'], unique=False)

    op.create_table('export_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=True),
    sa.Column('format', sa.String(length=40), nullable=False),
    sa.Column('file_name', sa.String(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('exported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_export_record_city_id_city')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_export_record_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_record')),
    sa.UniqueConstraint('invoice_id', 'format', name=op.f('uq_export_record_invoice_id_format'))
    )
    op.create_index(op.f('ix_export_record_city_id'), 'export_record', ['city_id'], unique=False)
    op.create_index(op.f('ix_export_record_file_name'), 'export_record', ['file_name'], unique=False)

    op.create_table('group_member',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['user_group.id'], name=op.f('fk_group_member_group_id_user_group')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_group_member_user_id_app_user')),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_group_member'))
    )
    op.create_index(op.f('ix_group_member_user_id'), 'group_member', ['user_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('assignee_user_id', sa.Integer(), nullable=True),
    sa.Column('assignee_group_id', sa.Integer(), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('amount', storage.types.Money(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('skonto_date', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reminded', sa.Boolean(), nullable=False),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_group_id'], ['user_group.id'], name=op.f('fk_task_assignee_group_id_user_group')),
    sa.ForeignKeyConstraint(['assignee_user_id'], ['app_user.id'], name=op.f('fk_task_assignee_user_id_app_user')),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_task_city_id_city')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_task_department_id_department')),
    sa.ForeignKeyConstraint(['done_by_id'], ['app_user.id'], name=op.f('fk_task_done_by_id_app_user')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_task_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_task_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
    sa.UniqueConstraint('key', name=op.f('uq_task_key'))
    )
    op.create_index('ix_task_city_state', 'task', ['city_id', 'state', 'step', 'due_at'], unique=False)
    op.create_index('ix_task_department_state', 'task', ['department_id', 'state', 'due_at'], unique=False)
    op.create_index('ix_task_group_inbox', 'task', ['assignee_group_id', 'state', 'due_at'], unique=False)
    op.create_index(op.f('ix_task_invoice_id'), 'task', ['invoice_id'], unique=False)
    op.create_index('ix_task_state_amount', 'task', ['state', 'amount'], unique=False)
    op.create_index('ix_task_state_due', 'task', ['state', 'due_at'], unique=False)
    op.create_index('ix_task_supplier_state', 'task', ['supplier_id', 'state'], unique=False)
    op.create_index('ix_task_user_inbox', 'task', ['assignee_user_id', 'state', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_task_user_inbox', table_name='task')
    op.drop_index('ix_task_supplier_state', table_name='task')
    op.drop_index('ix_task_state_due', table_name='task')
    op.drop_index('ix_task_state_amount', table_name='task')
    op.drop_index(op.f('ix_task_invoice_id'), table_name='task')
    op.drop_index('ix_task_group_inbox', table_name='task')
    op.drop_index('ix_task_department_state', table_name='task')
    op.drop_index('ix_task_city_state', table_name='task')
    op.drop_table('task')

    op.drop_index(op.f('ix_group_member_user_id'), table_name='group_member')
    op.drop_table('group_member')

    op.drop_index(op.f('ix_export_record_file_name'), table_name='export_record')
    op.drop_index(op.f('ix_export_record_city_id'), table_name='export_record')
    op.drop_table('export_record')

    op.drop_index(op.f('ix_audit_event_invoice_id'), table_name='audit_event')
    op.drop_table('audit_event')

    op.drop_index(op.f('ix_user_role_user_id'), table_name='user_role')
    op.drop_index(op.f('ix_user_role_city_id'), table_name='user_role')
    op.drop_table('user_role')

    op.drop_index(op.f('ix_user_group_city_id'), table_name='user_group')
    op.drop_table('user_group')

    op.drop_index('ix_invoice_supplier_number', table_name='invoice')
    op.drop_index(op.f('ix_invoice_status'), table_name='invoice')
    op.drop_index('ix_invoice_seller_number', table_name='invoice')
    op.drop_index(op.f('ix_invoice_department_id'), table_name='invoice')
    op.drop_index('ix_invoice_city_status', table_name='invoice')
    op.drop_index(op.f('ix_invoice_buyer_reference'), table_name='invoice')
    op.drop_table('invoice')

    op.drop_index(op.f('ix_supplier_token_supplier_id'), table_name='supplier_token')
    op.drop_table('supplier_token')

    op.drop_table('supplier_creditor')
    op.drop_index(op.f('ix_substitute_user_id'), table_name='substitute')
    op.drop_index(op.f('ix_substitute_substitute_id'), table_name='substitute')
    op.drop_table('substitute')

    op.drop_table('export_setting')
    op.drop_index(op.f('ix_department_city_id'), table_name='department')
    op.drop_table('department')

    op.drop_index(op.f('ix_supplier_vat_id'), table_name='supplier')
    op.drop_table('supplier')

    op.drop_table('document')
    op.drop_index(op.f('ix_city_leitweg_coarse'), table_name='city')
    op.drop_table('city')

    op.drop_table('audit_head')
    op.drop_table('app_user')
