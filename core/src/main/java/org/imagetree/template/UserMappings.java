package org.imagetree.template;

import java.util.Map;
import java.util.function.Consumer;

/** docker-pkg's {@code uid} and {@code add_user} filters over {@code known_uid_mappings}. */
record UserMappings(Map<String, Integer> uids) {
    UserMappings {
        uids = Map.copyOf(uids);
    }

    /** The uid of a known user; otherwise the name itself, with a warning (as docker-pkg). */
    Object uid(String user, Consumer<String> warnings) {
        Integer uid = uids.get(user);
        if (uid == null) {
            warnings.accept("UID mapping for user " + user + " not found");
            return user;
        }
        return uid;
    }

    /** The shell command creating the user and its group with the mapped ids. */
    String addUser(String user) {
        Integer uid = uids.get(user);
        if (uid == null) throw new FilterFailure("No mapping found for user '" + user + "'");
        return "groupadd -o -g " + uid + " -r " + user
                + " && useradd -l -o -r -m -d /var/lib/" + user + " -g " + user + " -u " + uid + " " + user;
    }
}
