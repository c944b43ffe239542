package pier.protocol.mqtt;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * MQTT over TCP: Netty decodes and encodes packets and hands them to the broker; nothing else runs on
 * its event loops.
 */
public final class MqttListener implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;

    private MqttListener(EventLoopGroup boss, EventLoopGroup workers, Channel server) {
        this.boss = boss;
        this.workers = workers;
        this.server = server;
    }

    /**
     * Listens for MQTT clients.
     *
     * @param host   the address to bind
     * @param port   the port (0 for any free one)
     * @param broker the broker that serves them
     * @return the running listener
     * @throws InterruptedException when interrupted while binding
     */
    public static MqttListener start(String host, int port, MqttBroker broker) throws InterruptedException {
        try {
            return start(host, port, broker, null);
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS was asked for", e);
        }
    }

    /**
     * Listens for MQTT clients over TLS.
     *
     * @param host   the address to bind
     * @param port   the port (0 for any free one)
     * @param broker the broker that serves them
     * @param keys   the server's key and certificate, or null for plain TCP
     * @return the running listener
     * @throws InterruptedException when interrupted while binding
     * @throws javax.net.ssl.SSLException when the keys cannot make a TLS context
     */
    public static MqttListener start(String host, int port, MqttBroker broker, KeyManagerFactory keys)
            throws InterruptedException, SSLException {
        SslContext tls = keys == null ? null : SslContextBuilder.forServer(keys).build();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // one event loop per core (Netty doubles that): fewer loops batch more and are woken less
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                NioIoHandler.newFactory());
        int maxPacket = broker.settings.maxPacketSize();
        try {
            Channel server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 << 10, 256 << 10))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            if (tls != null) {
                                channel.pipeline().addLast(tls.newHandler(channel.alloc()));
                            }
                            channel.pipeline().addLast(new PacketCheck(maxPacket),
                                    new MqttDecoder(maxPacket, 65_535, true), MqttEncoder.INSTANCE,
                                    new Bridge(broker));
                        }
                    }).bind(host, port).sync().channel();
            return new MqttListener(boss, workers, server);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    /**
     * The bound port.
     *
     * @return the port
     */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops listening and closes every connection's channel. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        // no quiet period: the broker has already said goodbye to every client
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One channel's link to its broker connection. */
    private static final class Bridge extends SimpleChannelInboundHandler<MqttMessage> implements MqttTransport {

        private final MqttBroker broker;
        private Channel channel;
        private String remoteAddress;
        private MqttConnection connection;

        Bridge(MqttBroker broker) {
            this.broker = broker;
        }

        @Override
        public void channelActive(ChannelHandlerContext context) {
            channel = context.channel();
            remoteAddress = String.valueOf(channel.remoteAddress());
            connection = broker.connect(this);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, MqttMessage message) {
            if (message instanceof MqttPublishMessage publish) {
                // the broker keeps payloads beyond this call: copy out of Netty's pooled buffer
                message = publish.replace(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(publish.content())));
            }
            connection.receive(message);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext context) {
            if (context.channel().isWritable()) {
                connection.writable();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            connection.transportClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }

        @Override
        public void send(MqttMessage message) {
            channel.write(message);
        }

        @Override
        public void flush() {
            channel.flush();
        }

        @Override
        public void execute(Runnable task) {
            channel.eventLoop().execute(task);
        }

        @Override
        public boolean writable() {
            return channel.isWritable();
        }

        @Override
        public void pauseReading(boolean paused) {
            channel.config().setAutoRead(!paused);
        }

        @Override
        public void close() {
            if (channel.eventLoop().isShuttingDown()) {
                return; // the listener is closing: its event loops close every channel
            }
            // after what is queued has been written
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }

        @Override
        public String remoteAddress() {
            return remoteAddress;
        }
    }
}
