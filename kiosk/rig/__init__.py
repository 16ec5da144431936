"""The test rig: the scenario runner, the crash harnesses, the remote booth and the state diagram.
Never imported by the controller core or by a booth in service."""
