package io.warren.ctl;

import io.warren.ctl.commands.ClusterCommands;
import io.warren.ctl.commands.ConnectionCommands;
import io.warren.ctl.commands.DefinitionCommands;
import io.warren.ctl.commands.ListCommands;
import io.warren.ctl.commands.NodeCommands;
import io.warren.ctl.commands.PolicyCommands;
import io.warren.ctl.commands.QueueCommands;
import io.warren.ctl.commands.QuorumCommands;
import io.warren.ctl.commands.SuperStreamCommands;
import io.warren.ctl.commands.UserCommands;
import io.warren.ctl.commands.VhostCommands;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every warrenctl command by name, in the order help lists them. */
public final class CommandTable {
    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();

    public CommandTable() {
        add(NodeCommands.specs());
        add(ClusterCommands.specs());
        add(ListCommands.specs());
        add(UserCommands.specs());
        add(VhostCommands.specs());
        add(PolicyCommands.specs());
        add(QueueCommands.specs());
        add(QuorumCommands.specs());
        add(SuperStreamCommands.specs());
        add(ConnectionCommands.specs());
        add(DefinitionCommands.specs());
    }

    private void add(List<CommandSpec> specs) {
        specs.forEach(s -> byName.put(s.name(), s));
    }

    public CommandSpec get(String name) {
        return byName.get(name);
    }

    public Collection<CommandSpec> all() {
        return byName.values();
    }
}
