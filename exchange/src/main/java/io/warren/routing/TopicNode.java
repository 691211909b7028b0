package io.warren.routing;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One node of the topic trie: literal-word children plus dedicated "*" and "#" edges, and the
 * destinations of the binding keys that end here.
 *
 * <p>Only the router's writer mutates nodes; readers rely on the concurrent map and volatile
 * fields, so a reader racing with a prune simply walks a node that has just become empty.
 */
final class TopicNode<D> {
    private final TopicNode<D> parent;
    private final String word;
    // Created on first child: most nodes of a large trie are leaves.
    private volatile ConcurrentHashMap<String, TopicNode<D>> children;
    private volatile TopicNode<D> star;
    private volatile TopicNode<D> hash;
    final DestinationSet<D> destinations = new DestinationSet<>();

    private TopicNode(TopicNode<D> parent, String word) {
        this.parent = parent;
        this.word = word;
    }

    static <D> TopicNode<D> root() {
        return new TopicNode<>(null, null);
    }

    /** The child along a literal routing-key word, or null. */
    TopicNode<D> literal(String routingWord) {
        ConcurrentHashMap<String, TopicNode<D>> map = children;
        return map == null ? null : map.get(routingWord);
    }

    TopicNode<D> star() {
        return star;
    }

    TopicNode<D> hash() {
        return hash;
    }

    /** The child along a binding-key word ("*", "#" or literal), or null. */
    TopicNode<D> child(String patternWord) {
        if (TopicWords.STAR.equals(patternWord)) {
            return star;
        }
        if (TopicWords.HASH.equals(patternWord)) {
            return hash;
        }
        return literal(patternWord);
    }

    /** The child along a binding-key word, created if missing. Writer only. */
    TopicNode<D> childOrCreate(String patternWord) {
        TopicNode<D> existing = child(patternWord);
        if (existing != null) {
            return existing;
        }
        TopicNode<D> created = new TopicNode<>(this, patternWord);
        if (TopicWords.STAR.equals(patternWord)) {
            star = created;
        } else if (TopicWords.HASH.equals(patternWord)) {
            hash = created;
        } else {
            ConcurrentHashMap<String, TopicNode<D>> map = children;
            if (map == null) {
                map = new ConcurrentHashMap<>(4);
                children = map;
            }
            map.put(patternWord, created);
        }
        return created;
    }

    /** Detaches this node and every ancestor left without bindings or children. Writer only. */
    void pruneIfUnused() {
        TopicNode<D> node = this;
        while (node.parent != null && node.isUnused()) {
            node.parent.detach(node);
            node = node.parent;
        }
    }

    private boolean isUnused() {
        ConcurrentHashMap<String, TopicNode<D>> map = children;
        return destinations.isEmpty() && star == null && hash == null && (map == null || map.isEmpty());
    }

    private void detach(TopicNode<D> child) {
        if (child == star) {
            star = null;
        } else if (child == hash) {
            hash = null;
        } else {
            children.remove(child.word);
        }
    }
}
