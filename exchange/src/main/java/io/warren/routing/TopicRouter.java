package io.warren.routing;

import java.util.Map;
import java.util.Set;

/**
 * Topic exchange: binding keys are dot-separated words where "*" matches exactly one word and "#"
 * zero or more, as in RabbitMQ.
 *
 * <p>Bindings live in a trie of words, so routing cost follows the routing key's length and the
 * branches that match, not the number of bindings.
 */
public final class TopicRouter<D> extends AbstractRouter<D> {
    // One buffer per thread: route() is not re-entrant, and this avoids a words array per message.
    private static final ThreadLocal<TopicWords> WORDS = ThreadLocal.withInitial(TopicWords::new);

    private final TopicNode<D> root = TopicNode.root();

    @Override
    void index(Binding<D> binding) {
        TopicNode<D> node = root;
        for (String word : TopicWords.pattern(binding.bindingKey())) {
            node = node.childOrCreate(word);
        }
        node.destinations.add(binding.destination());
    }

    @Override
    void unindex(Binding<D> binding) {
        TopicNode<D> node = root;
        for (String word : TopicWords.pattern(binding.bindingKey())) {
            node = node.child(word);
        }
        node.destinations.remove(binding.destination());
        node.pruneIfUnused();
    }

    @Override
    public void route(String routingKey, Map<String, Object> headers, Set<D> out) {
        TopicWords words = WORDS.get();
        words.split(routingKey == null ? "" : routingKey);
        match(root, words.words(), 0, words.count(), out);
    }

    private static <D> void match(TopicNode<D> node, String[] words, int next, int count, Set<D> out) {
        if (next == count) {
            node.destinations.addTo(out);
        } else {
            TopicNode<D> literal = node.literal(words[next]);
            if (literal != null) {
                match(literal, words, next + 1, count, out);
            }
            TopicNode<D> star = node.star();
            if (star != null) {
                match(star, words, next + 1, count, out);
            }
        }
        TopicNode<D> hash = node.hash();
        if (hash != null) {
            // "#" swallows zero, one, ... or all of the remaining words.
            for (int resume = next; resume <= count; resume++) {
                match(hash, words, resume, count, out);
            }
        }
    }
}
