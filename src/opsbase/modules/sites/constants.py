"""Permission codenames of rigs and wells."""

VIEW_RIG = "sites.view_rig"
ADD_RIG = "sites.add_rig"
CHANGE_RIG = "sites.change_rig"
DELETE_RIG = "sites.delete_rig"

VIEW_WELL = "sites.view_well"
ADD_WELL = "sites.add_well"
CHANGE_WELL = "sites.change_well"
DELETE_WELL = "sites.delete_well"

VIEW_CODENAMES = (VIEW_RIG, VIEW_WELL)
ALL_CODENAMES = (
    VIEW_RIG,
    ADD_RIG,
    CHANGE_RIG,
    DELETE_RIG,
    VIEW_WELL,
    ADD_WELL,
    CHANGE_WELL,
    DELETE_WELL,
)
