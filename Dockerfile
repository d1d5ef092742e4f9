# Builds the soci-indexer service image: a Maven build stage and a Temurin 25 JRE runtime.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q package -DskipTests

FROM eclipse-temurin:25-jre
# zlib is called through java.lang.foreign, which needs native access.
ENV JAVA_TOOL_OPTIONS="--enable-native-access=ALL-UNNAMED"
RUN useradd --system --uid 10001 --home-dir /var/lib/soci-indexer soci-indexer \
    && mkdir -p /var/lib/soci-indexer && chown soci-indexer /var/lib/soci-indexer
COPY --from=build /src/target/soci-indexer.jar /opt/soci-indexer/soci-indexer.jar
USER 10001
WORKDIR /var/lib/soci-indexer
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/soci-indexer/soci-indexer.jar"]
