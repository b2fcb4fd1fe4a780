package main

import (
	"context"

	bs3 "github.com/dapr/components-contrib/bindings/aws/s3"
	bhttp "github.com/dapr/components-contrib/bindings/http"
	blocalstorage "github.com/dapr/components-contrib/bindings/localstorage"
	"github.com/dapr/components-contrib/bindings/smtp"
	lredis "github.com/dapr/components-contrib/lock/redis"
	contribmw "github.com/dapr/components-contrib/middleware"
	"github.com/dapr/components-contrib/middleware/http/ratelimit"
	nrsqlite "github.com/dapr/components-contrib/nameresolution/sqlite"
	psmemory "github.com/dapr/components-contrib/pubsub/in-memory"
	pskafka "github.com/dapr/components-contrib/pubsub/kafka"
	psredis "github.com/dapr/components-contrib/pubsub/redis"
	ssenv "github.com/dapr/components-contrib/secretstores/local/env"
	ssfile "github.com/dapr/components-contrib/secretstores/local/file"
	stmemory "github.com/dapr/components-contrib/state/in-memory"
	stmysql "github.com/dapr/components-contrib/state/mysql"
	stredis "github.com/dapr/components-contrib/state/redis"
	stsqlite "github.com/dapr/components-contrib/state/sqlite"
	bindingsLoader "github.com/dapr/dapr/pkg/components/bindings"
	configurationLoader "github.com/dapr/dapr/pkg/components/configuration"
	conversationLoader "github.com/dapr/dapr/pkg/components/conversation"
	cryptoLoader "github.com/dapr/dapr/pkg/components/crypto"
	lockLoader "github.com/dapr/dapr/pkg/components/lock"
	httpMiddlewareLoader "github.com/dapr/dapr/pkg/components/middleware/http"
	nrLoader "github.com/dapr/dapr/pkg/components/nameresolution"
	pubsubLoader "github.com/dapr/dapr/pkg/components/pubsub"
	secretstoresLoader "github.com/dapr/dapr/pkg/components/secretstores"
	stateLoader "github.com/dapr/dapr/pkg/components/state"
	"github.com/dapr/dapr/pkg/middleware"
	"github.com/dapr/dapr/pkg/runtime/registry"
	"github.com/dapr/kit/logger"
)

// Only the component types that SoulChat's profiles under components/ use are compiled in.
// Adding a profile that needs another type means registering it here.
func init() {
	pubsubLoader.DefaultRegistry.RegisterComponent(pskafka.NewKafka, "kafka")
	pubsubLoader.DefaultRegistry.RegisterComponent(psredis.NewRedisStreams, "redis")
	pubsubLoader.DefaultRegistry.RegisterComponent(psmemory.New, "in-memory")

	stateLoader.DefaultRegistry.RegisterComponent(stredis.NewRedisStateStore, "redis")
	stateLoader.DefaultRegistry.RegisterComponent(stmysql.NewMySQLStateStore, "mysql")
	stateLoader.DefaultRegistry.RegisterComponent(stsqlite.NewSQLiteStateStore, "sqlite", "sqlite3")
	stateLoader.DefaultRegistry.RegisterComponent(stmemory.NewInMemoryStateStore, "in-memory")

	bindingsLoader.DefaultRegistry.RegisterOutputBinding(smtp.NewSMTP, "smtp")
	bindingsLoader.DefaultRegistry.RegisterOutputBinding(bhttp.NewHTTP, "http")
	// Media objects: any S3-compatible store, or a folder in the memory profile.
	bindingsLoader.DefaultRegistry.RegisterOutputBinding(bs3.NewAWSS3, "aws.s3")
	bindingsLoader.DefaultRegistry.RegisterOutputBinding(blocalstorage.NewLocalStorage, "localstorage")

	httpMiddlewareLoader.DefaultRegistry.RegisterComponent(rateLimitFactory, "ratelimit")

	// mDNS needs a multicast interface; a loopback-only host has none, so sqlite resolves names.
	nrLoader.DefaultRegistry.RegisterComponent(nrsqlite.NewResolver, "sqlite")

	secretstoresLoader.DefaultRegistry.RegisterComponent(ssenv.NewEnvSecretStore, "local.env")
	secretstoresLoader.DefaultRegistry.RegisterComponent(ssfile.NewLocalSecretStore, "local.file")

	lockLoader.DefaultRegistry.RegisterComponent(lredis.NewStandaloneRedisLock, "redis")
}

func rateLimitFactory(log logger.Logger) httpMiddlewareLoader.FactoryMethod {
	return func(meta contribmw.Metadata) (middleware.HTTP, error) {
		return ratelimit.NewRateLimitMiddleware(log).GetHandler(context.TODO(), meta)
	}
}

func useContribLogger() {
	contrib := logger.NewLogger("dapr.contrib")
	secretstoresLoader.DefaultRegistry.Logger = contrib
	stateLoader.DefaultRegistry.Logger = contrib
	cryptoLoader.DefaultRegistry.Logger = contrib
	configurationLoader.DefaultRegistry.Logger = contrib
	lockLoader.DefaultRegistry.Logger = contrib
	pubsubLoader.DefaultRegistry.Logger = contrib
	nrLoader.DefaultRegistry.Logger = contrib
	bindingsLoader.DefaultRegistry.Logger = contrib
	conversationLoader.DefaultRegistry.Logger = contrib
	httpMiddlewareLoader.DefaultRegistry.Logger = log
}

func registryOptions() *registry.Options {
	return registry.NewOptions().
		WithSecretStores(secretstoresLoader.DefaultRegistry).
		WithStateStores(stateLoader.DefaultRegistry).
		WithConfigurations(configurationLoader.DefaultRegistry).
		WithLocks(lockLoader.DefaultRegistry).
		WithPubSubs(pubsubLoader.DefaultRegistry).
		WithNameResolutions(nrLoader.DefaultRegistry).
		WithBindings(bindingsLoader.DefaultRegistry).
		WithCryptoProviders(cryptoLoader.DefaultRegistry).
		WithHTTPMiddlewares(httpMiddlewareLoader.DefaultRegistry).
		WithConversations(conversationLoader.DefaultRegistry)
}
