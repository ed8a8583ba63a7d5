-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "CredentialMode" AS ENUM ('PUBLIC', 'PRIVATE');

-- CreateEnum
CREATE TYPE "CredentialStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "ABTestStatus" AS ENUM ('DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED');

-- CreateEnum
CREATE TYPE "Arm" AS ENUM ('CONTROL', 'TREATMENT');

-- CreateEnum
CREATE TYPE "StatisticsArm" AS ENUM ('CONTROL', 'TREATMENT', 'NONE');

-- CreateEnum
CREATE TYPE "EventType" AS ENUM ('IMPRESSION', 'ADD_TO_CART', 'PURCHASE');

-- CreateEnum
CREATE TYPE "ExportStatus" AS ENUM ('PENDING', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "ShopCredential" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "myshopifyDomain" TEXT,
    "primaryDomain" TEXT,
    "apiKey" TEXT NOT NULL,
    "apiSecret" TEXT,
    "mode" "CredentialMode" NOT NULL DEFAULT 'PUBLIC',
    "status" "CredentialStatus" NOT NULL DEFAULT 'ACTIVE',
    "ianaTimezone" TEXT,
    "currencyCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN,
    "locale" TEXT,
    "collaborator" BOOLEAN,
    "emailVerified" BOOLEAN,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),
    "shopId" TEXT,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ABTest" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "ABTestStatus" NOT NULL DEFAULT 'DRAFT',
    "trafficSplit" INTEGER NOT NULL DEFAULT 50,
    "controlImages" JSONB NOT NULL,
    "treatmentImages" JSONB NOT NULL,
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ABTest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ABTestEvent" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "testId" TEXT NOT NULL,
    "arm" "Arm" NOT NULL,
    "eventType" "EventType" NOT NULL,
    "productId" TEXT NOT NULL,
    "variantId" TEXT,
    "visitorId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL DEFAULT 1,
    "revenue" DECIMAL(12,2),
    "currency" TEXT,
    "orderId" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ABTestEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatisticsExport" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "status" "ExportStatus" NOT NULL DEFAULT 'PENDING',
    "csvKey" TEXT,
    "jsonKey" TEXT,
    "rowCount" INTEGER NOT NULL DEFAULT 0,
    "totals" JSONB,
    "images" JSONB,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "StatisticsExport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VariantDailyStatistics" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "productId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "arm" "StatisticsArm" NOT NULL,
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "visitors" INTEGER NOT NULL DEFAULT 0,
    "addToCarts" INTEGER NOT NULL DEFAULT 0,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "units" INTEGER NOT NULL DEFAULT 0,
    "revenue" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "currency" TEXT,
    "ctr" DECIMAL(9,6) NOT NULL DEFAULT 0,
    "conversionRate" DECIMAL(9,6) NOT NULL DEFAULT 0,
    "images" JSONB,
    "testId" TEXT,
    "exportId" TEXT,

    CONSTRAINT "VariantDailyStatistics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductImageBackup" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "mediaId" TEXT NOT NULL,
    "r2Key" TEXT NOT NULL,
    "sourceUrl" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "backedUpAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductImageBackup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ShopCredential_shopDomain_key" ON "ShopCredential"("shopDomain");

-- CreateIndex
CREATE UNIQUE INDEX "ShopCredential_myshopifyDomain_key" ON "ShopCredential"("myshopifyDomain");

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "Session_shopId_idx" ON "Session"("shopId");

-- CreateIndex
CREATE INDEX "ABTest_shopId_status_idx" ON "ABTest"("shopId", "status");

-- CreateIndex
CREATE INDEX "ABTest_shopId_productId_idx" ON "ABTest"("shopId", "productId");

-- CreateIndex
CREATE INDEX "ABTestEvent_shopId_createdAt_idx" ON "ABTestEvent"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "ABTestEvent_testId_createdAt_idx" ON "ABTestEvent"("testId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ABTestEvent_shopId_eventId_key" ON "ABTestEvent"("shopId", "eventId");

-- CreateIndex
CREATE INDEX "StatisticsExport_status_idx" ON "StatisticsExport"("status");

-- CreateIndex
CREATE UNIQUE INDEX "StatisticsExport_shopId_date_key" ON "StatisticsExport"("shopId", "date");

-- CreateIndex
CREATE INDEX "VariantDailyStatistics_testId_date_idx" ON "VariantDailyStatistics"("testId", "date");

-- CreateIndex
CREATE INDEX "VariantDailyStatistics_exportId_idx" ON "VariantDailyStatistics"("exportId");

-- CreateIndex
CREATE UNIQUE INDEX "VariantDailyStatistics_shopId_date_productId_variantId_arm_key" ON "VariantDailyStatistics"("shopId", "date", "productId", "variantId", "arm");

-- CreateIndex
CREATE UNIQUE INDEX "ProductImageBackup_shopId_productId_variantId_mediaId_key" ON "ProductImageBackup"("shopId", "productId", "variantId", "mediaId");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "ShopCredential"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTest" ADD CONSTRAINT "ABTest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "ShopCredential"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTestEvent" ADD CONSTRAINT "ABTestEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "ShopCredential"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTestEvent" ADD CONSTRAINT "ABTestEvent_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatisticsExport" ADD CONSTRAINT "StatisticsExport_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "ShopCredential"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VariantDailyStatistics" ADD CONSTRAINT "VariantDailyStatistics_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "ShopCredential"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VariantDailyStatistics" ADD CONSTRAINT "VariantDailyStatistics_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VariantDailyStatistics" ADD CONSTRAINT "VariantDailyStatistics_exportId_fkey" FOREIGN KEY ("exportId") REFERENCES "StatisticsExport"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductImageBackup" ADD CONSTRAINT "ProductImageBackup_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "ShopCredential"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written (not expressible in schema.prisma): at most one running (ACTIVE or PAUSED) test per
-- product per shop, enforced by the database rather than the UI.
CREATE UNIQUE INDEX "ABTest_one_running_test_per_product" ON "ABTest"("shopId", "productId") WHERE "status" IN ('ACTIVE', 'PAUSED');

ALTER TABLE "ABTest" ADD CONSTRAINT "ABTest_trafficSplit_range" CHECK ("trafficSplit" BETWEEN 0 AND 100);
